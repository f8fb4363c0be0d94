# cmake/arm-none-eabi.cmake -- CMake toolchain file for bare-metal Arm Cortex-M
# with the GNU Arm Embedded toolchain (Debian: gcc-arm-none-eabi).
#
#   cmake -S . -B build/fw -DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi.cmake \
#         [-DPAWL_ARM_CPU=cortex-m0plus]
#
# Executables are linked with -nostdlib: no C library, no start files.  The
# firmware brings its own startup code, linker script and the few string
# functions that GCC may call (memcpy, memset, ...); libgcc is linked for the
# helpers GCC's code needs (division on Thumb-1, 64-bit division).
#
# ctest runs a cross-built executable through CMAKE_CROSSCOMPILING_EMULATOR,
# set below to tools/qemu-mps2, so `add_test(NAME x COMMAND fw_target)` runs
# fw_target on QEMU's mps2-an385 board.  That runner reads PAWL_QEMU_INPUT
# and PAWL_QEMU_TIMEOUT from the environment (a test's ENVIRONMENT property)
# for per-test UART input and time limits.

set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_ASM_COMPILER arm-none-eabi-gcc)

# Compiler checks build a static library: a test executable could not link
# without the startup code and linker script that only the firmware has.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(PAWL_ARM_CPU "cortex-m3" CACHE STRING
    "Arm core for -mcpu (cortex-m3 for QEMU's mps2-an385; cortex-m0plus builds Thumb-1)")
set_property(CACHE PAWL_ARM_CPU PROPERTY STRINGS cortex-m0 cortex-m0plus cortex-m3 cortex-m4 cortex-m7)
# try_compile projects read this file again: hand them the same core.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES PAWL_ARM_CPU)

set(CMAKE_C_FLAGS_INIT "-mthumb -mcpu=${PAWL_ARM_CPU} -ffunction-sections -fdata-sections")
set(CMAKE_ASM_FLAGS_INIT "-mthumb -mcpu=${PAWL_ARM_CPU}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-nostdlib -Wl,--gc-sections")
# -nostdlib drops libgcc too; link it last in every executable.
set(CMAKE_C_STANDARD_LIBRARIES_INIT "-lgcc")

# Look for programs on the host, for everything else only in the target's
# sysroot, so that no host header or library is ever picked up.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

get_filename_component(_pawl_qemu_runner "${CMAKE_CURRENT_LIST_DIR}/../tools/qemu-mps2" ABSOLUTE)
set(CMAKE_CROSSCOMPILING_EMULATOR "${_pawl_qemu_runner}")
unset(_pawl_qemu_runner)
