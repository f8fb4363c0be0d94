# check_no_malloc.cmake -- the core never calls malloc.
#
# Lists the undefined symbols of every object file of the library (nm -u)
# and fails, naming file and symbol, if any object other than alloc.c's
# references an allocation function.  alloc.c holds the default allocator,
# so its object must reference free or realloc: if it does not, the check
# has stopped seeing anything (wrong objects, LTO bitcode, a renamed file)
# and fails rather than passing vacuously.
#
#   cmake -DNM=<nm> -DOBJECTS=<obj>|<obj>|... [-DALLOWED=alloc.c]
#         -P check_no_malloc.cmake

cmake_minimum_required(VERSION 3.20)

if(NOT NM)
  message(FATAL_ERROR "check_no_malloc: -DNM=<path to nm> is required")
endif()
if(NOT OBJECTS)
  message(FATAL_ERROR "check_no_malloc: -DOBJECTS=<a|b|...> is required")
endif()
if(NOT ALLOWED)
  set(ALLOWED alloc.c)
endif()

# Everything that hands out or takes back heap memory.  The __ names are
# glibc's internal aliases, which optimised string code can end up calling.
set(forbidden malloc calloc realloc free aligned_alloc posix_memalign
    strdup strndup reallocarray memalign valloc pvalloc __strdup __strndup)
list(JOIN forbidden "|" forbidden_re)
set(line_re "^[ \t]*U[ \t]+(${forbidden_re})(@[^ \t]*)?[ \t]*$")

string(REPLACE "|" ";" objects "${OBJECTS}")
string(REPLACE "." "\\." allowed_re "${ALLOWED}")
set(allowed_re "(^|[/\\\\])${allowed_re}\\.(o|obj)$")

set(violations "")
set(checked 0)
set(saw_allowed FALSE)
foreach(obj IN LISTS objects)
  if(NOT EXISTS "${obj}")
    message(FATAL_ERROR "check_no_malloc: object file ${obj} does not exist (build first)")
  endif()
  execute_process(COMMAND "${NM}" -u "${obj}"
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "check_no_malloc: ${NM} -u ${obj} failed (${rc}): ${err}")
  endif()
  string(REPLACE "\n" ";" lines "${out}")
  set(hits "")
  foreach(line IN LISTS lines)
    if(line MATCHES "${line_re}")
      list(APPEND hits "${CMAKE_MATCH_1}")
    endif()
  endforeach()
  get_filename_component(name "${obj}" NAME)
  if(obj MATCHES "${allowed_re}")
    set(saw_allowed TRUE)
    if(NOT hits MATCHES "(^|;)(free|realloc)(;|$)")
      message(FATAL_ERROR "check_no_malloc: positive control failed: ${obj} "
        "(the default allocator) references neither free nor realloc, so this "
        "check cannot see allocation calls.  Undefined symbols:\n${out}")
    endif()
    message(STATUS "${name}: allowed, references ${hits}")
  else()
    math(EXPR checked "${checked} + 1")
    foreach(sym IN LISTS hits)
      string(APPEND violations "  ${obj}: ${sym}\n")
    endforeach()
  endif()
endforeach()

if(NOT saw_allowed)
  message(FATAL_ERROR "check_no_malloc: no object matching ${ALLOWED} among "
    "${OBJECTS}: the positive control cannot run")
endif()
if(checked EQUAL 0)
  message(FATAL_ERROR "check_no_malloc: no core object files to check")
endif()
if(violations)
  message(FATAL_ERROR "check_no_malloc: the core must not allocate except "
    "through the loop's allocator (src/${ALLOWED}), but:\n${violations}")
endif()
message(STATUS "check_no_malloc: ${checked} core objects reference no allocation function")
