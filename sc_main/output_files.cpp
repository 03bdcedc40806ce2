#include "output_files.h"

#include <filesystem>
#include <stdexcept>
#include <system_error>

namespace kvnand {

void make_directories(const std::string& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) throw std::runtime_error(dir + ": cannot create output folder (" + error.message() + ")");
}

}  // namespace kvnand
