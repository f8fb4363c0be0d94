# Runs PROGRAM and passes only if it stops abnormally (a signal or a
# non-zero status): for programs whose correct behaviour is to refuse.
#   cmake -DPROGRAM=... -P expect_abort.cmake
execute_process(COMMAND "${PROGRAM}" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if("${rc}" STREQUAL "0")
  message(FATAL_ERROR "${PROGRAM} finished normally; it must have stopped:\n${out}${err}")
endif()
message(STATUS "${PROGRAM} stopped as it must (${rc})")
