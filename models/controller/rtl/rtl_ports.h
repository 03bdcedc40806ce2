// The RTL command scheduler's ports (the port contract, docs/rtl-cosim.md) as SystemC signals of
// the types Verilator gives ports of each width, each with a shadow copy the transactor packs
// lanes into, so a signal is written only when its value changed and read only when needed.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <type_traits>

#include <systemc>

#include "common/flash_transactions.h"
#include "common/issued_command.h"

#if !defined(KVNAND_RTL_LANES) || !defined(KVNAND_RTL_DIES) || !defined(KVNAND_RTL_QUEUE_CAPACITY)
#error "the RTL scheduler's parameters come from CMake (KVNAND_RTL_LANES, KVNAND_RTL_DIES, KVNAND_RTL_QUEUE_CAPACITY)"
#endif

namespace kvnand::rtl {

/// The Verilog parameters the RTL was Verilated with.
inline constexpr unsigned kLanes = KVNAND_RTL_LANES;
inline constexpr unsigned kDies = KVNAND_RTL_DIES;
inline constexpr unsigned kQueueCapacity = KVNAND_RTL_QUEUE_CAPACITY;
/// The Verilog top module: the scope below the Verilated model's in the RTL's VCD.
inline constexpr const char* kTopModule = KVNAND_RTL_TOP;

/// Fixed field widths of the contract.
inline constexpr unsigned kOpBits = 4;
inline constexpr unsigned kChannelBits = 8;
inline constexpr unsigned kDieBits = 8;
inline constexpr unsigned kPlanesBits = 64;
inline constexpr unsigned kBlockBits = 32;
inline constexpr unsigned kPageBits = 32;
inline constexpr unsigned kPagesBits = 32;
inline constexpr unsigned kCountBits = 16;
inline constexpr unsigned kTagBits = 16;
inline constexpr unsigned kQueueDepthBits = 16;
inline constexpr unsigned kMaxPlanesBits = 8;
inline constexpr unsigned kInflightBits = 16;

/// Largest value of a field `bits` wide (bits <= 64).
constexpr std::uint64_t field_max(unsigned bits) { return bits >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1; }

/// The contract's 4-bit op code.
constexpr std::uint8_t op_code(SchedulerOp op) { return static_cast<std::uint8_t>(op); }
constexpr std::uint8_t op_code(HostOp op) { return op_code(scheduler_op(op)); }

/// The page field of a page request's lane: an erase addresses a whole block (page 0).
inline std::uint32_t request_page(const HostRequest& request) {
  return request.op == HostOp::Erase ? 0 : request.address.page.value();
}

/// Verilator's SystemC type for a port `W` bits wide: bool, uint32_t up to 32 bits, uint64_t up to
/// 64, sc_bv above.
template <unsigned W>
using Pin = std::conditional_t<W == 1, bool,
                               std::conditional_t<(W <= 32), std::uint32_t,
                                                  std::conditional_t<(W <= 64), std::uint64_t, sc_dt::sc_bv<W>>>>;

/// A `W`-bit value as 32-bit words (the word size of sc_bv), with fields of up to 64 bits.
template <unsigned W>
class Bits {
 public:
  static constexpr unsigned kWords = (W + 31) / 32;

  /// Sets bits [offset, offset + width) to the low `width` bits of `value`; true when that changed them.
  bool set(unsigned offset, unsigned width, std::uint64_t value) {
    bool changed = false;
    for (unsigned done = 0; done < width;) {
      const unsigned bit = offset + done, shift = bit % 32;
      const unsigned n = std::min(32 - shift, width - done);
      const std::uint32_t mask = (n == 32 ? ~std::uint32_t{0} : (std::uint32_t{1} << n) - 1) << shift;
      std::uint32_t& word = words_[bit / 32];
      const std::uint32_t next = (word & ~mask) | ((static_cast<std::uint32_t>(value >> done) << shift) & mask);
      changed |= next != word;
      word = next;
      done += n;
    }
    return changed;
  }

  std::uint64_t get(unsigned offset, unsigned width) const {
    std::uint64_t value = 0;
    for (unsigned done = 0; done < width;) {
      const unsigned bit = offset + done, shift = bit % 32;
      const unsigned n = std::min(32 - shift, width - done);
      const std::uint64_t part = (words_[bit / 32] >> shift) & (n == 32 ? ~std::uint32_t{0} : (std::uint32_t{1} << n) - 1);
      value |= part << done;
      done += n;
    }
    return value;
  }

  Pin<W> to_pin() const {
    if constexpr (W == 1) {
      return (words_[0] & 1u) != 0;
    } else if constexpr (W <= 32) {
      return words_[0];
    } else if constexpr (W <= 64) {
      return words_[0] | std::uint64_t{words_[1]} << 32;
    } else {
      Pin<W> pin;
      for (unsigned i = 0; i < kWords; ++i) pin.set_word(static_cast<int>(i), words_[i]);
      return pin;
    }
  }

  void from_pin(const Pin<W>& pin) {
    if constexpr (W == 1) {
      words_[0] = pin ? 1u : 0u;
    } else if constexpr (W <= 32) {
      words_[0] = pin;
    } else if constexpr (W <= 64) {
      words_[0] = static_cast<std::uint32_t>(pin);
      words_[1] = static_cast<std::uint32_t>(pin >> 32);
    } else {
      for (unsigned i = 0; i < kWords; ++i) words_[i] = pin.get_word(static_cast<int>(i));
    }
  }

 private:
  std::array<std::uint32_t, kWords> words_{};
};

/// An input of the RTL: lanes of `Field` bits packed into `W` bits; the transactor sets lanes and
/// writes the signal once per settle, only if a lane changed. Two processes of the transactor
/// write inputs (the edge handler, and the clock's fall, which drops the valid lanes), never in
/// the same delta cycle.
template <unsigned W, unsigned Field = W>
class InPort {
 public:
  using Signal = sc_core::sc_signal<Pin<W>, sc_core::SC_MANY_WRITERS>;

  explicit InPort(const char* name) : signal_(name) {}

  void set(unsigned lane, std::uint64_t value) { dirty_ |= bits_.set(lane * Field, Field, value); }
  void write() {
    if (!dirty_) return;
    signal_.write(bits_.to_pin());
    dirty_ = false;
  }
  Signal& signal() { return signal_; }

 private:
  Signal signal_;
  Bits<W> bits_;
  bool dirty_ = false;
};

/// An output of the RTL: load() copies the signal, get() unpacks a lane of the copy.
template <unsigned W, unsigned Field = W>
class OutPort {
 public:
  explicit OutPort(const char* name) : signal_(name) {}

  void load() { bits_.from_pin(signal_.read()); }
  std::uint64_t get(unsigned lane) const { return bits_.get(lane * Field, Field); }
  sc_core::sc_signal<Pin<W>>& signal() { return signal_; }

 private:
  sc_core::sc_signal<Pin<W>> signal_;
  Bits<W> bits_;
};

/// Every port of the contract. Built inside the transactor's module, so the signals are its children.
struct Ports {
  // The edge handler raises it, the clock's fall lowers it.
  sc_core::sc_signal<bool, sc_core::SC_MANY_WRITERS> clk{"clk"};
  InPort<1> rst_n{"rst_n"};
  InPort<kChannelBits> cfg_dies_per_channel{"cfg_dies_per_channel"};
  InPort<kQueueDepthBits> cfg_queue_depth{"cfg_queue_depth"};
  InPort<kMaxPlanesBits> cfg_max_planes{"cfg_max_planes"};
  InPort<1> cfg_cache_read{"cfg_cache_read"};

  InPort<kLanes, 1> req_valid{"req_valid"};
  OutPort<kLanes, 1> req_ready{"req_ready"};
  InPort<kLanes * kOpBits, kOpBits> req_op{"req_op"};
  InPort<kLanes * kChannelBits, kChannelBits> req_channel{"req_channel"};
  InPort<kLanes * kDieBits, kDieBits> req_die{"req_die"};
  InPort<kLanes * kPlanesBits, kPlanesBits> req_planes{"req_planes"};
  InPort<kLanes * kBlockBits, kBlockBits> req_block{"req_block"};
  InPort<kLanes * kPageBits, kPageBits> req_page{"req_page"};
  InPort<kLanes * kPagesBits, kPagesBits> req_pages{"req_pages"};
  InPort<kLanes * kTagBits, kTagBits> req_tag{"req_tag"};

  InPort<kDies, 1> die_ready{"die_ready"};

  OutPort<kLanes, 1> cmd_valid{"cmd_valid"};
  InPort<kLanes, 1> cmd_ready{"cmd_ready"};
  OutPort<kLanes * kOpBits, kOpBits> cmd_op{"cmd_op"};
  OutPort<kLanes * kChannelBits, kChannelBits> cmd_channel{"cmd_channel"};
  OutPort<kLanes * kDieBits, kDieBits> cmd_die{"cmd_die"};
  OutPort<kLanes * kPlanesBits, kPlanesBits> cmd_planes{"cmd_planes"};
  OutPort<kLanes * kBlockBits, kBlockBits> cmd_block{"cmd_block"};
  OutPort<kLanes * kPageBits, kPageBits> cmd_page{"cmd_page"};
  OutPort<kLanes * kPagesBits, kPagesBits> cmd_pages{"cmd_pages"};
  OutPort<kLanes * kCountBits, kCountBits> cmd_count{"cmd_count"};
  OutPort<kLanes * kTagBits, kTagBits> cmd_tag{"cmd_tag"};

  InPort<kLanes, 1> cpl_valid{"cpl_valid"};
  InPort<kLanes * kOpBits, kOpBits> cpl_op{"cpl_op"};
  InPort<kLanes * kChannelBits, kChannelBits> cpl_channel{"cpl_channel"};
  InPort<kLanes * kDieBits, kDieBits> cpl_die{"cpl_die"};
  InPort<kLanes * kTagBits, kTagBits> cpl_tag{"cpl_tag"};

  OutPort<1> active{"active"};
  OutPort<kInflightBits> inflight{"inflight"};

  /// Writes every input whose value changed since its last write.
  void write_inputs() {
    rst_n.write();
    cfg_dies_per_channel.write();
    cfg_queue_depth.write();
    cfg_max_planes.write();
    cfg_cache_read.write();
    req_valid.write();
    req_op.write();
    req_channel.write();
    req_die.write();
    req_planes.write();
    req_block.write();
    req_page.write();
    req_pages.write();
    req_tag.write();
    die_ready.write();
    cmd_ready.write();
    cpl_valid.write();
    cpl_op.write();
    cpl_channel.write();
    cpl_die.write();
    cpl_tag.write();
  }
  /// Copies the issue lanes (call when cmd_valid is non-zero).
  void load_issue_lanes() {
    cmd_op.load();
    cmd_channel.load();
    cmd_die.load();
    cmd_planes.load();
    cmd_block.load();
    cmd_page.load();
    cmd_pages.load();
    cmd_count.load();
    cmd_tag.load();
  }
};

}  // namespace kvnand::rtl
