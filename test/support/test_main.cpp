// Entry point of every test binary that links SystemC: GoogleTest runs inside sc_main, and any
// SystemC warning or error becomes a test failure instead of a line on the console.
#include <cstdlib>

#include <gtest/gtest.h>
#include <systemc>

namespace {

void report_to_gtest(const sc_core::sc_report& report, const sc_core::sc_actions& actions) {
  if (report.get_severity() == sc_core::SC_INFO) return;
  ADD_FAILURE() << "SystemC " << (report.get_severity() == sc_core::SC_WARNING ? "warning" : "error") << " "
                << report.get_msg_type() << ": " << report.get_msg();
  if (actions & sc_core::SC_THROW) throw report;
}

}  // namespace

int sc_main(int argc, char* argv[]) {
  testing::InitGoogleTest(&argc, argv);
  sc_core::sc_report_handler::set_handler(report_to_gtest);
  return RUN_ALL_TESTS();
}

// The kernel prints its banner before sc_main unless this is set (see sc_main/kvnand_sim.cpp).
int main(int argc, char* argv[]) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}
