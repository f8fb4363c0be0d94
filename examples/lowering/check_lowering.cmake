# Runs the five versions of examples/lowering and passes only if each one
# exits with 0, writes nothing to stderr, and prints exactly expected.txt,
# byte for byte: so all five print the same transcript.
#
#   cmake -DNODE=<node or empty> -DSCRIPT=<lowering.js>
#         -DPROGRAM_callbacks=<...> -DPROGRAM_state_machine=<...>
#         -DPROGRAM_task=<...> -DPROGRAM_promise=<...>
#         -DEXPECTED=<expected.txt> -DOUT_DIR=<dir for the outputs>
#         -P check_lowering.cmake
#
# A missing node is a failure, never a skip: the JavaScript version is the
# one the others are measured against.  NODE is what configure found; if
# it found nothing, node is looked for again here, so installing it needs
# no reconfigure.  Each version's output is left in OUT_DIR/<name>.txt.
if(NOT NODE OR NODE MATCHES "NOTFOUND$")
  find_program(node_now NAMES node nodejs)
  if(NOT node_now)
    message(FATAL_ERROR "example_lowering: node not found, so lowering.js cannot run: "
      "install nodejs (tools/dev test does)")
  endif()
  set(NODE "${node_now}")
endif()
unset(ENV{NODE_OPTIONS}) # Node's defaults, whatever the environment says

file(READ "${EXPECTED}" want)
if(want STREQUAL "")
  message(FATAL_ERROR "example_lowering: ${EXPECTED} is empty")
endif()

set(versions lowering.js callbacks state_machine task promise)
set(failed "")
foreach(v ${versions})
  if(v STREQUAL "lowering.js")
    set(cmd "${NODE}" "${SCRIPT}")
  else()
    if(NOT PROGRAM_${v})
      message(FATAL_ERROR "example_lowering: -DPROGRAM_${v}=<path> is missing")
    endif()
    set(cmd "${PROGRAM_${v}}")
  endif()
  execute_process(COMMAND ${cmd}
    OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
  if(OUT_DIR)
    file(WRITE "${OUT_DIR}/${v}.txt" "${out}")
  endif()
  if(NOT rc STREQUAL "0")
    message("--- ${v}: exited with ${rc}\n--- stdout\n${out}--- stderr\n${err}")
    list(APPEND failed "${v} (exit status ${rc})")
  elseif(NOT err STREQUAL "")
    message("--- ${v}: wrote to stderr\n${err}")
    list(APPEND failed "${v} (stderr)")
  elseif(NOT out STREQUAL want)
    message("--- ${v}: differs from expected.txt; it printed:\n${out}")
    list(APPEND failed "${v} (output)")
  else()
    message(STATUS "${v}: prints expected.txt")
  endif()
endforeach()

if(failed)
  list(JOIN failed ", " failed_text)
  message("--- expected.txt:\n${want}")
  message(FATAL_ERROR "example_lowering: ${failed_text}")
endif()
