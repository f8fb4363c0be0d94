# Runs a firmware image under QEMU RUNS times and compares what it printed
# on the UART, byte for byte, with EXPECTED.  The exit status is the other
# test's business: it is only reported here.
#   cmake -DRUNNER=tools/qemu-mps2 -DELF=<elf> [-DINPUT=<file>]
#         -DEXPECTED=<file> [-DRUNS=n] -P check_transcript.cmake
foreach(v RUNNER ELF EXPECTED)
  if(NOT ${v})
    message(FATAL_ERROR "check_transcript: -D${v}=... is required")
  endif()
endforeach()
if(NOT RUNS)
  set(RUNS 1)
endif()
set(args)
if(INPUT)
  set(args --input ${INPUT})
endif()
file(READ ${EXPECTED} want)
get_filename_component(name ${ELF} NAME_WE)
foreach(run RANGE 1 ${RUNS})
  execute_process(COMMAND ${RUNNER} ${args} ${ELF}
    OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
  # QEMU's serial console may turn \n into \r\n; the transcript is lines.
  string(REPLACE "\r\n" "\n" out "${out}")
  if(NOT out STREQUAL want)
    set(actual ${CMAKE_CURRENT_BINARY_DIR}/${name}-actual-${run}.txt)
    file(WRITE ${actual} "${out}")
    message(FATAL_ERROR "${name}: run ${run} of ${RUNS} printed something else than "
      "${EXPECTED} (exit status ${rc}); it is in ${actual}:\n${out}\n${err}")
  endif()
  message(STATUS "${name}: run ${run}: transcript matches (exit status ${rc})")
endforeach()
