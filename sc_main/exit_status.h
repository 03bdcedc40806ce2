// Process exit statuses of kvnand-sim (documented in docs/user-guide.md).
#pragma once

namespace kvnand {

enum ExitStatus : int {
  kExitOk = 0,
  kExitSimulationFailed = 1,
  kExitBadInput = 2,
  /// The model and its KV cache do not fit the platform; report.json says by how much.
  kExitOutOfMemory = 3,
  kExitInterrupted = 130,
};

}  // namespace kvnand
