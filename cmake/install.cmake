# `cmake --install`: the libraries, their headers, the binaries, an exported
# CMake package (find_package(kinesys CONFIG REQUIRED) → kinesys::producer,
# kinesys::consumer, ...) and a pkg-config file.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(kinesys_installed_libraries kinesys_options kinesys_asio)
foreach(folder codecs engine local producer consumer)
  if(TARGET kinesys_${folder})
    list(APPEND kinesys_installed_libraries kinesys_${folder})
    install(DIRECTORY ${PROJECT_SOURCE_DIR}/${folder}/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  endif()
endforeach()
install(TARGETS ${kinesys_installed_libraries} EXPORT kinesysTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

foreach(binary kinesys-local kinesys-consumer kinesys-ingest kinesys-bench)
  if(TARGET ${binary})
    install(TARGETS ${binary} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  endif()
endforeach()

set(kinesys_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/kinesys)
install(EXPORT kinesysTargets NAMESPACE kinesys:: DESTINATION ${kinesys_cmake_dir})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/kinesysConfig.cmake.in
  ${PROJECT_BINARY_DIR}/kinesysConfig.cmake INSTALL_DESTINATION ${kinesys_cmake_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/kinesysConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/kinesysConfig.cmake ${PROJECT_BINARY_DIR}/kinesysConfigVersion.cmake
  DESTINATION ${kinesys_cmake_dir})

# The prefix relative to <libdir>/pkgconfig ("../.." for lib/pkgconfig): the
# install prefix is chosen at `cmake --install --prefix` time, after
# configuration, so it cannot be written into the file.
file(RELATIVE_PATH kinesys_pc_to_prefix /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
configure_file(${PROJECT_SOURCE_DIR}/cmake/kinesys.pc.in ${PROJECT_BINARY_DIR}/kinesys.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/kinesys.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
