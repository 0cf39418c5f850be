# Warnings apply to our own code only; third-party headers come in as SYSTEM.
add_library(kinesys_options INTERFACE)
target_compile_options(kinesys_options INTERFACE -Wall -Wextra -Werror
  # GCC 12's flow-sensitive warnings give false positives at -O2/-O3 in
  # inlined library code: a new/delete mismatch inside Asio's recycling
  # allocator (matched through operator overloads it does not follow), and
  # stringop-overflow / maybe-uninitialized / restrict / array-bounds inside
  # std::string concatenation and std::optional moves. Kept as warnings so they stay visible.
  $<$<CXX_COMPILER_ID:GNU>:-Wno-error=mismatched-new-delete -Winvalid-pch>
  $<$<AND:$<CXX_COMPILER_ID:GNU>,$<NOT:$<CONFIG:Debug>>>:-Wno-error=stringop-overflow -Wno-error=maybe-uninitialized -Wno-error=restrict
    -Wno-error=array-bounds>)
set_target_properties(kinesys_options PROPERTIES EXPORT_NAME options)

# Debug executables carry ~100-200 MB of DWARF each, most of a build's disk;
# zlib-compressed they take about 40 % of that and debuggers, sanitizer
# stack traces and addr2line read them as before.
add_link_options(-Wl,--compress-debug-sections=zlib)
# Sanitizer builds are position-independent executables with millions of
# relative relocations (80 MB in an ASan test binary); packed, they take
# about 1.5 MB. Needs binutils 2.38 and glibc 2.36, as on Debian 12.
include(CheckLinkerFlag)
check_linker_flag(CXX "-Wl,-z,pack-relative-relocs" KINESYS_HAVE_PACKED_RELOCS)
if(KINESYS_HAVE_PACKED_RELOCS)
  add_link_options(-Wl,-z,pack-relative-relocs)
endif()

if(KINESYS_SANITIZE)
  add_compile_options(-fsanitize=${KINESYS_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${KINESYS_SANITIZE})
endif()

# Precompiled headers: Boost.Asio, Boost.System and simdjson headers cost
# most of every translation unit's compile time; parsed once per target they
# cut a clean build by about a third.
option(KINESYS_PCH "Precompile the heavy third-party headers" ON)
set(kinesys_pch_base <string> <string_view> <vector> <map> <memory> <functional> <chrono> <optional>
  <unordered_map> <boost/system/error_code.hpp> <boost/system/result.hpp> <simdjson.h>)
set(kinesys_pch_asio <boost/asio/awaitable.hpp> <boost/asio/use_awaitable.hpp> <boost/asio/co_spawn.hpp>
  <boost/asio/as_tuple.hpp> <boost/asio/io_context.hpp> <boost/asio/steady_timer.hpp> <boost/asio/post.hpp>
  <boost/asio/detached.hpp> <boost/asio/any_io_executor.hpp>)

# kinesys_precompile(<target> [ASIO] [EXTRA headers...])
function(kinesys_precompile target)
  if(NOT KINESYS_PCH)
    return()
  endif()
  cmake_parse_arguments(ARG "ASIO" "" "EXTRA" ${ARGN})
  set(headers ${kinesys_pch_base} ${ARG_EXTRA})
  if(ARG_ASIO)
    list(APPEND headers ${kinesys_pch_asio})
  endif()
  target_precompile_headers(${target} PRIVATE ${headers})
endfunction()

# A Debug .gch of these headers is about 250 MB, so targets built with the same
# flags share one instead of each making its own: the test suites, the
# microbenchmarks. kinesys_shared_pch(<holder> [ASIO] [EXTRA headers...] LIBS
# <libs>) makes an empty library, compiled as the sharers are (LIBS bring the
# same definitions), whose header kinesys_reuse_pch(<target> <holder>) takes.
# -Winvalid-pch (an error under -Werror) catches a sharer whose flags drift.
function(kinesys_shared_pch holder)
  if(NOT KINESYS_PCH)
    return()
  endif()
  cmake_parse_arguments(ARG "ASIO" "" "EXTRA;LIBS" ${ARGN})
  set(source ${CMAKE_CURRENT_BINARY_DIR}/${holder}.cpp)
  file(CONFIGURE OUTPUT ${source} CONTENT "// Holds the precompiled header that other targets reuse.\n")
  add_library(${holder} STATIC ${source})
  target_link_libraries(${holder} PRIVATE ${ARG_LIBS} kinesys_options)
  if(ARG_ASIO)
    kinesys_precompile(${holder} ASIO EXTRA ${ARG_EXTRA})
  else()
    kinesys_precompile(${holder} EXTRA ${ARG_EXTRA})
  endif()
endfunction()

function(kinesys_reuse_pch target holder)
  if(KINESYS_PCH)
    target_precompile_headers(${target} REUSE_FROM ${holder})
  endif()
endfunction()

# kinesys_library(<name> [DEPS ...]): one library per top-level folder, sources
# globbed from src/, public header under include/kinesys/, alias kinesys::<name>.
function(kinesys_library name)
  cmake_parse_arguments(ARG "" "" "DEPS;PRIVATE_DEPS" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/src/*.cpp)
  add_library(kinesys_${name} STATIC ${sources})
  add_library(kinesys::${name} ALIAS kinesys_${name})
  set_target_properties(kinesys_${name} PROPERTIES EXPORT_NAME ${name} OUTPUT_NAME kinesys_${name})
  target_include_directories(kinesys_${name}
    PUBLIC $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:include>
    PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  target_link_libraries(kinesys_${name} PUBLIC ${ARG_DEPS} PRIVATE kinesys_options ${ARG_PRIVATE_DEPS})
  if(name STREQUAL "codecs")
    kinesys_precompile(kinesys_${name})
  elseif(KINESYS_BUILD_FUZZ)
    # Under fuzzing each library is instrumented its own way (tests/fuzz/).
    kinesys_precompile(kinesys_${name} ASIO)
  else()
    # The Asio libraries are compiled alike: one header for all of them.
    if(NOT TARGET kinesys_library_pch)
      kinesys_shared_pch(kinesys_library_pch ASIO LIBS kinesys::asio kinesys::codecs)
    endif()
    kinesys_reuse_pch(kinesys_${name} kinesys_library_pch)
  endif()
endfunction()
