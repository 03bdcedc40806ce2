#include "dataflow/task_pool.h"

#include <utility>

namespace kvnand {

TaskPool::TaskPool(std::string name_prefix) : name_prefix_(std::move(name_prefix)) {}

void TaskPool::start(std::function<void()> job) {
  if (!idle_.empty()) {
    Worker* worker = idle_.back();
    idle_.pop_back();
    worker->job = std::move(job);
    worker->wake.notify();
    return;
  }
  workers_.push_back(std::make_unique<Worker>());
  Worker* worker = workers_.back().get();
  worker->job = std::move(job);
  sc_core::sc_spawn([this, worker] { loop(worker); },
                    sc_core::sc_gen_unique_name((name_prefix_ + "_worker").c_str()));
}

void TaskPool::loop(Worker* worker) {
  for (;;) {
    std::function<void()> job = std::move(worker->job);
    worker->job = nullptr;
    job();
    idle_.push_back(worker);
    sc_core::wait(worker->wake);
  }
}

void JoinCounter::done() {
  if (--pending_ == 0) all_done_.notify();
}

void JoinCounter::wait() {
  while (pending_ > 0) sc_core::wait(all_done_);
}

}  // namespace kvnand
