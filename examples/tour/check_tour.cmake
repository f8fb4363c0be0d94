# Runs the tour and compares its output with expected.txt.
#   cmake -DTOUR=<path to tour> -DEXPECTED=<expected.txt> -P check_tour.cmake
# The output is deterministic by design; the one line that names the
# resume-point implementation is normalised, so a build with
# -DPAWL_LC_SWITCH passes too.
execute_process(COMMAND ${TOUR}
  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "tour exited with ${rc}\n${err}\n${out}")
endif()
file(READ ${EXPECTED} want)
foreach(v out want)
  string(REGEX REPLACE "resume points: [a-z]+" "resume points: *" ${v} "${${v}}")
endforeach()
if(NOT out STREQUAL want)
  file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/tour-actual.txt "${out}")
  message(FATAL_ERROR "tour output differs from ${EXPECTED}; "
    "got (normalised) in ${CMAKE_CURRENT_BINARY_DIR}/tour-actual.txt:\n${out}")
endif()
