# The RTL command scheduler (optional): the Verilog sources Verilated with `verilator --sc` into
# their own library (generated code and Verilator's runtime, compiled without our warning flags),
# and the SystemC transactor compiled into kvnand_models with them. Included from
# models/CMakeLists.txt after kvnand_models is defined. Without Verilator (or with KVNAND_RTL=OFF)
# nothing here is built and controller.scheduler "rtl" is refused with a message.
option(KVNAND_RTL "Build the RTL command scheduler (co-simulation) when Verilator is found" ON)
set(KVNAND_RTL_SCHEDULER_SOURCES ""
    CACHE STRING "Verilog sources of the RTL command scheduler (a ;-list; relative paths are from the source tree; empty: the example scheduler)")
# The example's file list stays out of the cache, so a build directory follows it when it changes.
set(kvnand_rtl_example_sources ${PROJECT_SOURCE_DIR}/models/controller/rtl/kvnand_scheduler.v)
set(KVNAND_RTL_SCHEDULER_TOP "kvnand_scheduler" CACHE STRING "Top module of the RTL command scheduler")
set(KVNAND_RTL_LANES 16 CACHE STRING "RTL scheduler parameter LANES: request, issue and completion lanes")
set(KVNAND_RTL_DIES 16 CACHE STRING "RTL scheduler parameter DIES: dies it tracks")
set(KVNAND_RTL_QUEUE_CAPACITY 64 CACHE STRING "RTL scheduler parameter QUEUE_CAPACITY: storage per die queue")

# Why the RTL scheduler is not built (empty: it is); test/tlm reads it to skip the lint test.
set(kvnand_rtl_missing "")
if(NOT KVNAND_RTL)
  set(kvnand_rtl_missing "KVNAND_RTL is OFF")
else()
  find_package(verilator 5.0 QUIET)
  if(NOT verilator_FOUND)
    set(kvnand_rtl_missing "Verilator (>= 5.0, Debian package verilator) was not found")
  endif()
endif()

foreach(parameter LANES DIES QUEUE_CAPACITY)
  if(NOT KVNAND_RTL_${parameter} MATCHES "^[1-9][0-9]*$")
    message(FATAL_ERROR "KVNAND_RTL_${parameter} must be a positive integer, got '${KVNAND_RTL_${parameter}}'")
  endif()
endforeach()

if(kvnand_rtl_missing STREQUAL "")
  set(kvnand_rtl_sources "")
  set(kvnand_rtl_chosen_sources ${KVNAND_RTL_SCHEDULER_SOURCES})
  if(NOT kvnand_rtl_chosen_sources)
    set(kvnand_rtl_chosen_sources ${kvnand_rtl_example_sources})
  endif()
  foreach(source IN LISTS kvnand_rtl_chosen_sources)
    get_filename_component(source "${source}" ABSOLUTE BASE_DIR "${PROJECT_SOURCE_DIR}")
    if(NOT EXISTS "${source}")
      message(FATAL_ERROR "KVNAND_RTL_SCHEDULER_SOURCES: ${source} does not exist")
    endif()
    list(APPEND kvnand_rtl_sources "${source}")
  endforeach()
  set(kvnand_rtl_parameters
    -GLANES=${KVNAND_RTL_LANES} -GDIES=${KVNAND_RTL_DIES} -GQUEUE_CAPACITY=${KVNAND_RTL_QUEUE_CAPACITY})

  # The class name is fixed (--prefix) whatever the top module is called, so the transactor needs
  # no change when an architect brings their own RTL with the same ports.
  add_library(kvnand_rtl_scheduler_verilated STATIC)
  verilate(kvnand_rtl_scheduler_verilated SYSTEMC TRACE
    PREFIX Vkvnand_rtl_scheduler
    TOP_MODULE ${KVNAND_RTL_SCHEDULER_TOP}
    SOURCES ${kvnand_rtl_sources}
    VERILATOR_ARGS ${kvnand_rtl_parameters}
    DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/rtl_scheduler)
  target_compile_options(kvnand_rtl_scheduler_verilated PRIVATE ${VERILATOR_CFLAGS})
  target_link_libraries(kvnand_rtl_scheduler_verilated PUBLIC PkgConfig::SYSTEMC)
  # Consumers see Verilator's headers as system headers (no warnings from them) and with the same
  # configuration macros the generated code was compiled with.
  set_target_properties(kvnand_rtl_scheduler_verilated PROPERTIES SYSTEM ON)
  target_compile_definitions(kvnand_rtl_scheduler_verilated INTERFACE
    VM_SC=1 VM_TRACE=1 VM_TRACE_VCD=1 VM_TRACE_FST=0 VM_COVERAGE=0)

  target_sources(kvnand_models PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/rtl_scheduler.cpp
    ${CMAKE_CURRENT_LIST_DIR}/rtl_issue.cpp
    ${CMAKE_CURRENT_LIST_DIR}/rtl_model.cpp)
  target_link_libraries(kvnand_models PRIVATE kvnand_rtl_scheduler_verilated)
  target_compile_definitions(kvnand_models PUBLIC
    KVNAND_HAVE_RTL_SCHEDULER
    KVNAND_RTL_LANES=${KVNAND_RTL_LANES}
    KVNAND_RTL_DIES=${KVNAND_RTL_DIES}
    KVNAND_RTL_QUEUE_CAPACITY=${KVNAND_RTL_QUEUE_CAPACITY}
    KVNAND_RTL_TOP="${KVNAND_RTL_SCHEDULER_TOP}")

  set_property(GLOBAL PROPERTY KVNAND_RTL_LINT_COMMAND
    ${VERILATOR_BIN} --lint-only -Wall --top-module ${KVNAND_RTL_SCHEDULER_TOP} ${kvnand_rtl_parameters}
    ${kvnand_rtl_sources})
  message(STATUS "RTL scheduler: built from ${KVNAND_RTL_SCHEDULER_TOP} (LANES=${KVNAND_RTL_LANES}, "
                 "DIES=${KVNAND_RTL_DIES}, QUEUE_CAPACITY=${KVNAND_RTL_QUEUE_CAPACITY}) with Verilator ${verilator_VERSION}")
else()
  message(STATUS "RTL scheduler: not built (${kvnand_rtl_missing}); controller.scheduler \"rtl\" is unavailable")
endif()
set_property(GLOBAL PROPERTY KVNAND_RTL_MISSING "${kvnand_rtl_missing}")
