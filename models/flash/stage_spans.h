// A kernel's per-plane stage intervals gathered so that planes working in step (the same
// interval) are reported to an observer once, as a plane mask.
#pragma once

#include <cstdint>
#include <map>
#include <tuple>
#include <vector>

#include <systemc>

#include "common/flash_address.h"
#include "ifc/page_pipeline.h"

namespace kvnand {

class StageSpans {
 public:
  struct Span {
    PipelineStage stage;
    sc_core::sc_time start, end;
    PlaneMask planes;
  };

  void add(PipelineStage stage, const sc_core::sc_time& start, const sc_core::sc_time& end, PlaneId plane) {
    const auto [it, fresh] =
        index_.try_emplace(Key{static_cast<std::uint8_t>(stage), start.value(), end.value()}, spans_.size());
    if (fresh) spans_.push_back(Span{stage, start, end, PlaneMask{}});
    spans_[it->second].planes.add(plane);
  }
  /// In the order their first plane was added.
  const std::vector<Span>& spans() const { return spans_; }
  void clear() {
    spans_.clear();
    index_.clear();
  }

 private:
  using Key = std::tuple<std::uint8_t, std::uint64_t, std::uint64_t>;
  std::vector<Span> spans_;
  std::map<Key, std::size_t> index_;
};

}  // namespace kvnand
