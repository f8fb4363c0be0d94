# install_consumer.cmake -- install this build tree into a fresh prefix and
# build a downstream program against it three ways: find_package +
# pawl::pawl, find_package + pawl::pawl_static, and pkg-config.  Every
# program is run and must exit 0.  Any failing step fails the test.
#
#   cmake -DBUILD_DIR=<pawl build tree> -DWORK_DIR=<scratch dir>
#         -DCONSUMER_DIR=<tests/packaging/consumer> -DC_COMPILER=<cc>
#         -DGENERATOR=<generator> [-DMAKE_PROGRAM=<ninja>] [-DCONFIG=<cfg>]
#         -DPKG_CONFIG=<pkg-config> -P install_consumer.cmake

cmake_minimum_required(VERSION 3.20)

foreach(var BUILD_DIR WORK_DIR CONSUMER_DIR C_COMPILER GENERATOR PKG_CONFIG)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "install_consumer.cmake: -D${var}=... is required")
  endif()
endforeach()

# Run a command; on failure print its output and stop with an error.
function(step what)
  message(STATUS "packaging: ${what}")
  execute_process(COMMAND ${ARGN}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "packaging: FAILED: ${what} (exit ${rc})\n"
      "command: ${ARGN}\n${out}")
  endif()
  set(step_output "${out}" PARENT_SCOPE)
endfunction()

set(prefix "${WORK_DIR}/prefix")
set(cbuild "${WORK_DIR}/consumer-build")
set(pcbuild "${WORK_DIR}/pkg-config-build")

# A fresh tree every run: stale files from an older install must not make a
# broken install look good.
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${prefix}" "${cbuild}" "${pcbuild}")

# ---- 1. install --------------------------------------------------------------

set(config_args)
if(CONFIG)
  set(config_args --config "${CONFIG}")
endif()
step("install ${BUILD_DIR} into ${prefix}"
  "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${prefix}" ${config_args})

# Find the library directory the install chose (lib, lib64 or a multiarch
# lib/<triplet>) from where the package files landed.
file(GLOB_RECURSE pc_files "${prefix}/*/pawl.pc")
file(GLOB_RECURSE config_files "${prefix}/*/pawlConfig.cmake")
list(LENGTH pc_files n_pc)
list(LENGTH config_files n_config)
if(NOT n_pc EQUAL 1 OR NOT n_config EQUAL 1)
  message(FATAL_ERROR "packaging: expected one pawl.pc and one pawlConfig.cmake "
    "under ${prefix}, found: ${pc_files} / ${config_files}")
endif()
get_filename_component(pc_dir "${pc_files}" DIRECTORY)
get_filename_component(libdir "${pc_dir}" DIRECTORY)
foreach(f "${prefix}/include/pawl/pawl.h" "${prefix}/include/pawl/pt.h"
          "${libdir}/libpawl.a" "${libdir}/libpawl.so")
  if(NOT EXISTS "${f}")
    message(FATAL_ERROR "packaging: the install is missing ${f}")
  endif()
endforeach()
message(STATUS "packaging: libdir is ${libdir}")

set(run_env "${CMAKE_COMMAND}" -E env "LD_LIBRARY_PATH=${libdir}")

# ---- 2. find_package consumer: shared and static -----------------------------

set(gen_args -G "${GENERATOR}")
if(MAKE_PROGRAM)
  list(APPEND gen_args "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()
step("configure the find_package consumer"
  "${CMAKE_COMMAND}" -S "${CONSUMER_DIR}" -B "${cbuild}" ${gen_args}
  "-DCMAKE_C_COMPILER=${C_COMPILER}"
  "-DCMAKE_BUILD_TYPE=Release"
  "-DCMAKE_PREFIX_PATH=${prefix}"
  # Only the fresh prefix may satisfy find_package.
  "-DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF"
  "-DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF")

# Make sure it was our prefix that satisfied find_package.
file(STRINGS "${cbuild}/CMakeCache.txt" pawl_dir_line REGEX "^pawl_DIR:")
string(REGEX REPLACE "^pawl_DIR:[A-Z]+=" "" pawl_dir "${pawl_dir_line}")
file(REAL_PATH "${pawl_dir}" pawl_dir)
file(REAL_PATH "${prefix}" real_prefix)
string(FIND "${pawl_dir}" "${real_prefix}/" at)
if(NOT at EQUAL 0)
  message(FATAL_ERROR "packaging: find_package(pawl) used ${pawl_dir}, "
    "not the fresh install under ${real_prefix}")
endif()

step("build the find_package consumer" "${CMAKE_COMMAND}" --build "${cbuild}")
step("run consumer_static" "${cbuild}/consumer_static")
message(STATUS "packaging:   ${step_output}")
step("run consumer_shared" ${run_env} "${cbuild}/consumer_shared")
message(STATUS "packaging:   ${step_output}")

# ---- 3. pkg-config consumer --------------------------------------------------

set(pc_env "${CMAKE_COMMAND}" -E env "PKG_CONFIG_PATH=${pc_dir}")
step("pkg-config finds pawl >= 0.1" ${pc_env} "${PKG_CONFIG}" --atleast-version=0.1 pawl)
step("pkg-config --cflags --libs pawl" ${pc_env} "${PKG_CONFIG}" --cflags --libs pawl)
string(STRIP "${step_output}" pc_flags)
separate_arguments(pc_flags UNIX_COMMAND "${pc_flags}")
step("compile and link with pkg-config flags"
  "${C_COMPILER}" -std=c11 "${CONSUMER_DIR}/main.c" ${pc_flags}
  -o "${pcbuild}/consumer_pkgconfig")
step("run consumer_pkgconfig" ${run_env} "${pcbuild}/consumer_pkgconfig")
message(STATUS "packaging:   ${step_output}")

message(STATUS "packaging: all consumers built and ran")
