# Runs the pipeline and compares its output with expected.txt.
#   cmake -DPROGRAM=<path to pipeline> -DEXPECTED=<expected.txt> -P check_output.cmake
execute_process(COMMAND ${PROGRAM}
  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} exited with ${rc}\n${err}\n${out}")
endif()
file(READ ${EXPECTED} want)
if(NOT out STREQUAL want)
  file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/pipeline-actual.txt "${out}")
  message(FATAL_ERROR "pipeline output differs from ${EXPECTED}; "
    "got in ${CMAKE_CURRENT_BINARY_DIR}/pipeline-actual.txt:\n${out}")
endif()
