// The Verilated RTL scheduler bound to its port signals, and its VCD. Only rtl_model.cpp sees
// Verilator's headers (they pull SystemC's names into the global namespace).
#pragma once

#include <memory>
#include <string>

#include "controller/rtl/rtl_ports.h"

class Vkvnand_rtl_scheduler;
class VerilatedVcdSc;

namespace kvnand::rtl {

class Model {
 public:
  /// Builds the Verilated module `name` (a child of the current module) and binds it to `ports`.
  Model(const char* name, Ports& ports);
  ~Model();
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  /// Starts the RTL's VCD (every signal of every level, time in the kernel's resolution). Needs
  /// elaboration done: call it from start_of_simulation or later.
  void open_vcd(const std::string& path);
  /// Flushes and closes the VCD; nothing when none is open.
  void close_vcd();

 private:
  std::unique_ptr<Vkvnand_rtl_scheduler> model_;
  std::unique_ptr<VerilatedVcdSc> vcd_;
};

}  // namespace kvnand::rtl
