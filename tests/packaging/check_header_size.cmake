# check_header_size.cmake -- compile size32.c (syntax only) once per
# target and resume-point mode; fail if any compile fails.
#
#   cmake -DCC=<compiler> -DSOURCE=<size32.c> -DINCLUDE_DIR=<include>
#         -DTARGETS=<triple>|<triple>|... (or "host") -DPTR_BYTES=<4|8>
#         [-DFREESTANDING=ON] -P check_header_size.cmake
#
# FREESTANDING compiles with -ffreestanding -nostdlibinc: only the
# compiler's own (freestanding) headers are visible, never a C library's.

cmake_minimum_required(VERSION 3.20)

foreach(var CC SOURCE INCLUDE_DIR TARGETS PTR_BYTES)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "check_header_size: -D${var}=... is required")
  endif()
endforeach()

string(REPLACE "|" ";" targets "${TARGETS}")
set(failures "")
foreach(target IN LISTS targets)
  set(target_args "")
  if(NOT target STREQUAL "host")
    set(target_args "--target=${target}")
  endif()
  set(mode_args "")
  if(FREESTANDING)
    set(mode_args -ffreestanding -nostdlibinc)
  endif()
  foreach(impl SWITCH LABELS)
    set(cmd "${CC}" ${target_args} ${mode_args} -fsyntax-only -std=c11
        "-DPAWL_LC_${impl}" "-DPAWL_EXPECT_PTR_BYTES=${PTR_BYTES}"
        "-I${INCLUDE_DIR}" "${SOURCE}")
    execute_process(COMMAND ${cmd} RESULT_VARIABLE rc
      OUTPUT_VARIABLE out ERROR_VARIABLE out)
    if(rc EQUAL 0)
      message(STATUS "ok:     ${target} PAWL_LC_${impl}")
    else()
      list(JOIN cmd " " shown)
      message(STATUS "FAILED: ${target} PAWL_LC_${impl}\n  ${shown}\n${out}")
      list(APPEND failures "${target}/PAWL_LC_${impl}")
    endif()
  endforeach()
endforeach()

if(failures)
  message(FATAL_ERROR "check_header_size: failed for ${failures}")
endif()
