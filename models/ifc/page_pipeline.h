// Timing of one plane's read-compute pipeline: array -> data register -> cache register -> ECC ->
// PEs. Two independent evaluations, a closed form for whole commands (stream mode) and a
// page-by-page blocking flow shop (page mode), which agree exactly.
//
// The model. A page passes three stages in order: Array (sensing into the data register, tR),
// Ecc (the cache register drained through the decoder) and Pe (ECC streams into the PEs, so
// there is no buffer between the two). Each stage holds one page at a time, and a page leaves a
// stage only when it is done there and the next stage is free (blocking): moving data -> cache
// register is what lets the array read page i+1 while page i is in ECC or in the PEs.
//
// Why the closed form  end = start + (array + ecc + pe) + (n-1) * max(array, ecc, pe)  is exact:
// every page is the same job, so with c = max the schedule "page i enters stage k at
// start + i*c + (time of the stages before k)" never waits: a stage is free again after at most c,
// and page i leaves stage k exactly when page i-1 left stage k+1 plus c - t(k+1) >= 0. No schedule
// can end earlier, because the bottleneck stage serves n pages one after another, cannot start
// before the stages ahead of it have handled the first page, and the last page still has to
// pass the stages behind it. The greedy recurrence of page mode therefore reaches that bound;
// extra buffering between stages could not beat it either.
#pragma once

#include <cstdint>
#include <functional>

#include <systemc>

#include "flash/flash_spec.h"
#include "ifc/ifc_spec.h"

namespace kvnand {

enum class PipelineStage : std::uint8_t { Array, Ecc, Pe };

/// Time one page spends working in each stage, each rounded to whole picoseconds once.
struct PageStageTimes {
  sc_core::sc_time array, ecc, pe;
};

/// array = tR; ecc = page data + spare bits / ECC rate; pe = ceil(macs_per_page / fmacs) PE
/// clock cycles (0 for a page that is only read out).
PageStageTimes page_stage_times(const FlashSpec& flash, const IfcSpec& ifc, std::uint64_t macs_per_page);

/// Stream mode: the end of `pages` pages through the pipeline, the first entering the array at
/// `start`; `start` itself when there are no pages.
sc_core::sc_time stream_end(const PageStageTimes& t, std::uint64_t pages, const sc_core::sc_time& start);

/// When one page worked in one stage (blocked time waiting for the next stage excluded).
struct PageStageInterval {
  std::uint64_t page;
  PipelineStage stage;
  sc_core::sc_time start, end;
};

/// Page mode: the same pipeline walked page by page with the blocking flow shop recurrence.
/// Calls on_interval (when set) for every page and stage, pages in order and each page's
/// stages in pipeline order, so each stage's intervals arrive in time order. Returns the end
/// of the last page's Pe stage (`start` when there are no pages).
sc_core::sc_time page_by_page_end(const PageStageTimes& t, std::uint64_t pages, const sc_core::sc_time& start,
                                  const std::function<void(const PageStageInterval&)>& on_interval = {});

}  // namespace kvnand
