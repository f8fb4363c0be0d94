# Extracts the first ```c block of README.md, compiles it against the
# library and runs it; the output must be the interleaving the comment in
# the README promises.  Keeps the README's example honest.
#   cmake -DREADME=... -DOUT=... -DCC=... -DINCLUDE=... -DLIB=... -DFLAGS=... -P
file(READ "${README}" text)
string(FIND "${text}" "```c\n" start)
if(start EQUAL -1)
  message(FATAL_ERROR "no ```c block in ${README}")
endif()
math(EXPR start "${start} + 5")
string(SUBSTRING "${text}" ${start} -1 rest)
string(FIND "${rest}" "```" stop)
string(SUBSTRING "${rest}" 0 ${stop} code)
file(WRITE "${OUT}/readme_example.c" "${code}")
separate_arguments(flags UNIX_COMMAND "${FLAGS}")
execute_process(COMMAND "${CC}" -std=c11 -Wall -Wextra -Werror ${flags} -I "${INCLUDE}"
                        "${OUT}/readme_example.c" "${LIB}" -o "${OUT}/readme_example"
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "README example does not compile:\n${err}")
endif()
execute_process(COMMAND "${OUT}/readme_example" RESULT_VARIABLE rc OUTPUT_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "README example exited ${rc}")
endif()
set(want "ping 1\npong 1\nping 2\npong 2\n")
if(NOT out STREQUAL want)
  message(FATAL_ERROR "README example printed:\n${out}\nwanted:\n${want}")
endif()
