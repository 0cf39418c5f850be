# Warnings apply to our own code only; third-party headers come in as SYSTEM.
add_library(kinesys_options INTERFACE)
target_compile_options(kinesys_options INTERFACE -Wall -Wextra -Werror)

if(KINESYS_SANITIZE)
  add_compile_options(-fsanitize=${KINESYS_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${KINESYS_SANITIZE})
endif()

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
endfunction()
