#include "flash/page_store.h"

#include <algorithm>
#include <cstring>

namespace kvnand {
namespace {
constexpr std::uint32_t kBitsPerWord = 64;
}

PageStore::PageStore(const FlashGeometry& geometry)
    : geometry_(geometry), programmed_(geometry.blocks_per_die()) {}

std::size_t PageStore::block_index(PlaneId plane, BlockId block) const {
  return std::size_t{plane.value()} * geometry_.blocks_per_plane + block.value();
}

std::uint64_t PageStore::page_key(PlaneId plane, BlockId block, PageId page) const {
  return std::uint64_t{block_index(plane, block)} * geometry_.pages_per_block + page.value();
}

bool PageStore::is_programmed(PlaneId plane, BlockId block, PageId page) const {
  const auto& bitmap = programmed_[block_index(plane, block)];
  if (bitmap.empty()) return false;
  return (bitmap[page.value() / kBitsPerWord] >> (page.value() % kBitsPerWord)) & 1u;
}

void PageStore::program(PlaneId plane, BlockId block, PageId page, const std::uint8_t* data) {
  auto& bitmap = programmed_[block_index(plane, block)];
  if (bitmap.empty()) bitmap.assign((geometry_.pages_per_block + kBitsPerWord - 1) / kBitsPerWord, 0);
  bitmap[page.value() / kBitsPerWord] |= std::uint64_t{1} << (page.value() % kBitsPerWord);
  if (data != nullptr)
    data_[page_key(plane, block, page)].assign(data, data + geometry_.page_data_bytes);
}

void PageStore::program_part(PlaneId plane, BlockId block, PageId page, std::uint32_t offset,
                             const std::uint8_t* data, std::uint32_t length) {
  std::vector<std::uint8_t> bytes(geometry_.page_data_bytes);
  read(plane, block, page, bytes.data());
  for (std::uint32_t i = 0; i < length; ++i) bytes[offset + i] &= data[i];
  program(plane, block, page, bytes.data());
}

void PageStore::read(PlaneId plane, BlockId block, PageId page, std::uint8_t* out) const {
  const auto stored = data_.find(page_key(plane, block, page));
  if (stored != data_.end()) {
    std::memcpy(out, stored->second.data(), geometry_.page_data_bytes);
    return;
  }
  const std::uint8_t fill = is_programmed(plane, block, page) ? kTimingOnlyByte : kErasedByte;
  std::memset(out, fill, geometry_.page_data_bytes);
}

void PageStore::erase(PlaneId plane, BlockId block) {
  auto& bitmap = programmed_[block_index(plane, block)];
  if (bitmap.empty()) return;
  for (std::uint32_t page = 0; page < geometry_.pages_per_block; ++page)
    data_.erase(page_key(plane, block, PageId(page)));
  std::vector<std::uint64_t>().swap(bitmap);
}

}  // namespace kvnand
