// The SoC's NPU as a TLM target: one op at a time, first come first served, with per-kind
// statistics and energy. Ops arrive as generic payloads carrying an NpuOperation extension.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "common/activity_observer.h"
#include "common/command_tag.h"
#include "npu/npu_spec.h"

namespace kvnand {

/// The mandatory payload extension of the NPU socket: what to run, and (response) when it ran.
class NpuOperation : public tlm::tlm_extension<NpuOperation> {
 public:
  NpuOpKind kind = NpuOpKind::Softmax;
  /// Elements the vector unit processes (ignored by the MAC ops).
  std::uint64_t elements = 0;
  /// Multiply-accumulates on the MAC array; only Attention and MoeRouting take MACs.
  std::uint64_t macs = 0;
  /// What the op is for (traces only).
  CommandTag tag;

  /// Response: absolute simulated times the NPU started and finished the op.
  sc_core::sc_time start;
  sc_core::sc_time end;
  /// Why the op was refused when the response status is not OK.
  std::string error;

  tlm::tlm_extension_base* clone() const override { return new NpuOperation(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    *this = static_cast<const NpuOperation&>(other);
  }
};

struct NpuKindStats {
  std::uint64_t count = 0;
  sc_core::sc_time busy_time;
  std::uint64_t elements = 0;
  std::uint64_t macs = 0;
};

/// Ops are accounted when they are scheduled (at the moment of asking), not when they finish.
struct NpuStats {
  std::array<NpuKindStats, kNpuOpKindCount> per_kind{};
  std::uint64_t operations = 0;
  sc_core::sc_time busy_time;
  /// power_W x busy seconds, recomputed from the exact total busy time.
  double energy_J = 0;

  const NpuKindStats& of(NpuOpKind kind) const { return per_kind[index_of(kind)]; }
};

class Npu : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Npu> socket;

  /// `observer` (may be null) sees every op when it is scheduled.
  Npu(sc_core::sc_module_name name, const NpuSpec& spec, ActivityObserver* observer = nullptr);

  const NpuSpec& spec() const { return spec_; }
  const NpuStats& stats() const { return stats_; }

 private:
  /// Blocking: returns (from an SC_THREAD caller) at the op's end with delay zero.
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);

  NpuSpec spec_;
  ActivityObserver* observer_;
  NpuStats stats_;
  sc_core::sc_time free_at_;
};

}  // namespace kvnand
