# Runs one differential scenario: its JavaScript side under Node.js and its
# C side on pawl, and passes only if both exit with 0 and print exactly the
# same lines.
#
#   cmake -DNODE=<node or empty> -DSCRIPT=<NN_name.js> -DPROGRAM=<C program>
#         -P compare.cmake
#
# A missing node is a failure, never a skip: the point of these tests is the
# comparison.  NODE is what configure found; if it found nothing, node is
# looked for again here, so installing it needs no reconfigure.
get_filename_component(name "${SCRIPT}" NAME_WE)

if(NOT NODE OR NODE MATCHES "NOTFOUND$")
  find_program(node_now NAMES node nodejs)
  if(NOT node_now)
    message(FATAL_ERROR "${name}: node not found: tools/dev test installs nodejs")
  endif()
  set(NODE "${node_now}")
endif()

# The scenarios must see Node's defaults.
unset(ENV{NODE_OPTIONS})

execute_process(COMMAND "${NODE}" "${SCRIPT}"
  OUTPUT_VARIABLE js_out ERROR_VARIABLE js_err RESULT_VARIABLE js_rc)
execute_process(COMMAND "${PROGRAM}"
  OUTPUT_VARIABLE c_out ERROR_VARIABLE c_err RESULT_VARIABLE c_rc)

if(NOT js_rc STREQUAL "0")
  message(FATAL_ERROR "${name}: node ${SCRIPT} exited with ${js_rc}\n"
    "--- stdout\n${js_out}--- stderr\n${js_err}")
endif()
if(NOT c_rc STREQUAL "0")
  message(FATAL_ERROR "${name}: ${PROGRAM} exited with ${c_rc}\n"
    "--- stdout\n${c_out}--- stderr\n${c_err}")
endif()
if(js_out STREQUAL c_out)
  message(STATUS "${name}: node and pawl agree")
  return()
endif()

# Show both outputs, numbered, with the lines that differ marked.  Lines
# are split by hand (not as CMake lists) so that any character is safe.
function(split_lines text out_var)
  set(lines "")
  set(i 0)
  string(LENGTH "${text}" len)
  while(len GREATER 0)
    string(FIND "${text}" "\n" nl)
    if(nl EQUAL -1)
      set(line "${text}")
      set(text "")
    else()
      string(SUBSTRING "${text}" 0 ${nl} line)
      math(EXPR rest "${nl} + 1")
      string(SUBSTRING "${text}" ${rest} -1 text)
    endif()
    math(EXPR i "${i} + 1")
    set(${out_var}_${i} "${line}" PARENT_SCOPE)
    string(LENGTH "${text}" len)
  endwhile()
  set(${out_var}_count ${i} PARENT_SCOPE)
endfunction()

split_lines("${js_out}" js)
split_lines("${c_out}" c)
set(n ${js_count})
if(c_count GREATER n)
  set(n ${c_count})
endif()
set(width 4)
foreach(i RANGE 1 ${n})
  if(i GREATER js_count)
    set(js_${i} "(nothing)")
  endif()
  if(i GREATER c_count)
    set(c_${i} "(nothing)")
  endif()
  string(LENGTH "${js_${i}}" len)
  if(len GREATER width)
    set(width ${len})
  endif()
endforeach()

# A table: line number, node's line, pawl's line; "!" marks a difference.
function(pad text width out_var)
  string(LENGTH "${text}" len)
  math(EXPR fill "${width} - ${len}")
  if(fill GREATER 0)
    string(REPEAT " " ${fill} spaces)
    string(APPEND text "${spaces}")
  endif()
  set(${out_var} "${text}" PARENT_SCOPE)
endfunction()

pad("node" ${width} head)
set(report "       ${head}  | pawl\n")
set(first "")
foreach(i RANGE 1 ${n})
  set(mark " ")
  if(NOT js_${i} STREQUAL c_${i})
    set(mark "!")
    if(first STREQUAL "")
      set(first ${i})
    endif()
  endif()
  pad("${i}" 3 num)
  pad("${js_${i}}" ${width} left)
  string(APPEND report "${mark} ${num}  ${left}  | ${c_${i}}\n")
endforeach()
if(first STREQUAL "")
  set(first "the end (a missing final newline?)")
endif()
execute_process(COMMAND "${NODE}" --version OUTPUT_VARIABLE node_version
  OUTPUT_STRIP_TRAILING_WHITESPACE)
message("${name}: node ${node_version} (${SCRIPT}) and pawl (${PROGRAM}):\n"
  "${report}--- node stderr\n${js_err}--- pawl stderr\n${c_err}")
message(FATAL_ERROR "${name}: node and pawl differ, first at line ${first}")
