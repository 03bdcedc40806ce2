// Reusable SystemC threads for the SoC runtime's fork/join work. Spawning a thread costs about
// 20 us of wall time; a decode token of a 70B model forks tens of thousands of die-level jobs, so
// finished threads park and take the next job instead of ending.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <systemc>

namespace kvnand {

class TaskPool {
 public:
  explicit TaskPool(std::string name_prefix);
  TaskPool(const TaskPool&) = delete;
  TaskPool& operator=(const TaskPool&) = delete;

  /// Runs `job` in its own simulation thread, starting in the current delta cycle.
  void start(std::function<void()> job);
  std::size_t threads() const { return workers_.size(); }

 private:
  struct Worker {
    sc_core::sc_event wake;
    std::function<void()> job;
  };
  void loop(Worker* worker);

  std::string name_prefix_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<Worker*> idle_;
};

/// Counts outstanding jobs; wait() returns once every added job has called done().
class JoinCounter {
 public:
  void add(std::size_t n = 1) { pending_ += n; }
  void done();
  void wait();

 private:
  std::size_t pending_ = 0;
  sc_core::sc_event all_done_;
};

}  // namespace kvnand
