// plan_command: which run from the head of a die's queue becomes one multi-plane, cache-read or
// single flash command.
#include "controller/command_grouping.h"

#include <deque>
#include <string>

#include <gtest/gtest.h>

namespace kvnand {
namespace {

ControllerSpec spec_with(std::uint32_t max_planes, bool cache_read) {
  ControllerSpec spec;
  spec.queue_depth_per_die = 16;
  spec.max_planes_per_command = max_planes;
  spec.cache_read = cache_read;
  return spec;
}

/// The waiting requests of one die, head first.
class RequestQueue {
 public:
  /// Appends a request on channel 0, die 0 (a deque keeps the addresses of earlier requests).
  void push(HostOp op, std::uint32_t plane, std::uint32_t block, std::uint32_t page) {
    HostRequest& r = requests_.emplace_back();
    r.op = op;
    r.address.plane = PlaneId(plane);
    r.address.block = BlockId(block);
    r.address.page = PageId(page);
    queue_.push_back(QueuedRequest{&r, nullptr, 0});
  }
  CommandPlan plan(std::uint32_t max_planes = 4, bool cache_read = true) const {
    return plan_command(queue_, spec_with(max_planes, cache_read));
  }

 private:
  std::deque<HostRequest> requests_;
  std::deque<QueuedRequest> queue_;
};

/// All three fields of a plan in one comparable string, e.g. "Read MultiPlane x2".
std::string text(const CommandPlan& p) {
  const char* op = p.op == HostOp::Read ? "Read" : p.op == HostOp::Program ? "Program" : "Erase";
  const char* shape = p.shape == CommandShape::Single      ? "Single"
                      : p.shape == CommandShape::MultiPlane ? "MultiPlane"
                                                            : "CacheRead";
  return std::string(op) + " " + shape + " x" + std::to_string(p.count);
}

TEST(CommandGrouping, LoneRequestIsSingle) {
  RequestQueue q;
  q.push(HostOp::Program, 2, 5, 7);
  EXPECT_EQ(text(q.plan()), "Program Single x1");
}

TEST(CommandGrouping, ReadsOfOneRowOnDistinctPlanesMerge) {
  RequestQueue q;
  for (std::uint32_t plane : {0u, 3u, 1u, 2u}) q.push(HostOp::Read, plane, 5, 7);
  EXPECT_EQ(text(q.plan()), "Read MultiPlane x4");
}

TEST(CommandGrouping, ProgramsOfOneRowOnDistinctPlanesMerge) {
  RequestQueue q;
  for (std::uint32_t plane : {1u, 0u, 2u}) q.push(HostOp::Program, plane, 3, 0);
  EXPECT_EQ(text(q.plan()), "Program MultiPlane x3");
}

TEST(CommandGrouping, MergingIsLimitedByMaxPlanesPerCommand) {
  RequestQueue q;
  for (std::uint32_t plane : {0u, 1u, 2u, 3u}) q.push(HostOp::Read, plane, 5, 7);
  EXPECT_EQ(text(q.plan(2)), "Read MultiPlane x2");
  EXPECT_EQ(text(q.plan(3)), "Read MultiPlane x3");
  // 1 disables multi-plane; these pages are on different planes, so no cache read either.
  EXPECT_EQ(text(q.plan(1)), "Read Single x1");
}

TEST(CommandGrouping, EraseMergesAcrossPagesOfTheSameBlock) {
  RequestQueue q;
  q.push(HostOp::Erase, 0, 9, 0);
  q.push(HostOp::Erase, 1, 9, 5);
  q.push(HostOp::Erase, 2, 9, 17);
  q.push(HostOp::Erase, 3, 8, 0);  // other block: ends the run
  EXPECT_EQ(text(q.plan()), "Erase MultiPlane x3");
}

TEST(CommandGrouping, ReadOfAnotherPageEndsTheRun) {
  RequestQueue q;
  q.push(HostOp::Read, 0, 5, 7);
  q.push(HostOp::Read, 1, 5, 7);
  q.push(HostOp::Read, 2, 5, 8);
  q.push(HostOp::Read, 3, 5, 7);
  EXPECT_EQ(text(q.plan()), "Read MultiPlane x2");
}

TEST(CommandGrouping, ProgramOfAnotherPageIsNotMerged) {
  RequestQueue q;
  q.push(HostOp::Program, 0, 5, 7);
  q.push(HostOp::Program, 1, 5, 8);
  EXPECT_EQ(text(q.plan()), "Program Single x1");
}

TEST(CommandGrouping, RequestOfAnotherBlockEndsTheRun) {
  RequestQueue q;
  q.push(HostOp::Read, 0, 5, 7);
  q.push(HostOp::Read, 1, 5, 7);
  q.push(HostOp::Read, 2, 6, 7);
  EXPECT_EQ(text(q.plan()), "Read MultiPlane x2");
}

TEST(CommandGrouping, RequestOfAnotherOpEndsTheRunAndLaterMatchesAreNotTaken) {
  RequestQueue q;
  q.push(HostOp::Read, 0, 5, 7);
  q.push(HostOp::Read, 1, 5, 7);
  q.push(HostOp::Program, 2, 5, 7);
  q.push(HostOp::Read, 3, 5, 7);  // would match the head, but lies behind the program
  EXPECT_EQ(text(q.plan()), "Read MultiPlane x2");
}

TEST(CommandGrouping, NonMatchingSecondRequestLeavesTheHeadSingle) {
  RequestQueue q;
  q.push(HostOp::Erase, 0, 5, 0);
  q.push(HostOp::Read, 1, 5, 0);
  q.push(HostOp::Erase, 2, 5, 0);
  EXPECT_EQ(text(q.plan()), "Erase Single x1");
}

TEST(CommandGrouping, DuplicatePlaneEndsTheRun) {
  RequestQueue q;
  q.push(HostOp::Read, 0, 5, 7);
  q.push(HostOp::Read, 1, 5, 7);
  q.push(HostOp::Read, 0, 5, 7);
  q.push(HostOp::Read, 2, 5, 7);
  EXPECT_EQ(text(q.plan()), "Read MultiPlane x2");
}

TEST(CommandGrouping, ConsecutivePagesOfOnePlaneAndBlockUseCacheRead) {
  RequestQueue q;
  q.push(HostOp::Read, 2, 3, 4);
  q.push(HostOp::Read, 2, 3, 5);
  q.push(HostOp::Read, 2, 3, 6);
  q.push(HostOp::Read, 2, 3, 8);  // gap: ends the run
  EXPECT_EQ(text(q.plan(4, true)), "Read CacheRead x3");
  EXPECT_EQ(text(q.plan(1, true)), "Read CacheRead x3");  // independent of multi-plane
}

TEST(CommandGrouping, CacheReadDisabledGivesSingle) {
  RequestQueue q;
  q.push(HostOp::Read, 2, 3, 4);
  q.push(HostOp::Read, 2, 3, 5);
  q.push(HostOp::Read, 2, 3, 6);
  EXPECT_EQ(text(q.plan(4, false)), "Read Single x1");
}

TEST(CommandGrouping, CacheReadRunEndsAtAnotherPlaneBlockOpOrOrder) {
  RequestQueue q;
  q.push(HostOp::Read, 1, 3, 4);
  q.push(HostOp::Read, 1, 3, 5);
  q.push(HostOp::Read, 2, 3, 6);  // another plane
  EXPECT_EQ(text(q.plan()), "Read CacheRead x2");

  RequestQueue other_block;
  other_block.push(HostOp::Read, 1, 3, 4);
  other_block.push(HostOp::Read, 1, 4, 5);
  EXPECT_EQ(text(other_block.plan()), "Read Single x1");

  RequestQueue program_next;
  program_next.push(HostOp::Read, 1, 3, 4);
  program_next.push(HostOp::Read, 1, 3, 5);
  program_next.push(HostOp::Program, 1, 3, 6);
  EXPECT_EQ(text(program_next.plan()), "Read CacheRead x2");

  RequestQueue descending;
  descending.push(HostOp::Read, 1, 3, 5);
  descending.push(HostOp::Read, 1, 3, 4);
  EXPECT_EQ(text(descending.plan()), "Read Single x1");
}

TEST(CommandGrouping, SequentialProgramsAreNotCacheRead) {
  RequestQueue q;
  q.push(HostOp::Program, 0, 3, 4);
  q.push(HostOp::Program, 0, 3, 5);
  EXPECT_EQ(text(q.plan()), "Program Single x1");
}

TEST(CommandGrouping, MultiPlaneTakesPrecedenceOverCacheRead) {
  RequestQueue q;
  q.push(HostOp::Read, 0, 3, 4);
  q.push(HostOp::Read, 1, 3, 4);
  q.push(HostOp::Read, 1, 3, 5);
  q.push(HostOp::Read, 1, 3, 6);
  EXPECT_EQ(text(q.plan(4, true)), "Read MultiPlane x2");
}

}  // namespace
}  // namespace kvnand
