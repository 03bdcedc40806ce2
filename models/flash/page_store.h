// Sparse contents of one die: written pages hold their bytes, all other pages cost no memory.
// Addresses are not checked here: the die validates them before it touches the store.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "common/strong_id.h"
#include "flash/flash_spec.h"

namespace kvnand {

class PageStore {
 public:
  /// Byte every bit of an erased page reads as (NAND erases to all ones).
  static constexpr std::uint8_t kErasedByte = 0xFF;
  /// Byte a page programmed without data (timing-only) reads as.
  static constexpr std::uint8_t kTimingOnlyByte = 0x00;

  explicit PageStore(const FlashGeometry& geometry);

  bool is_programmed(PlaneId plane, BlockId block, PageId page) const;
  /// Marks the page programmed and keeps `data` (page_data_bytes) unless it is null.
  void program(PlaneId plane, BlockId block, PageId page, const std::uint8_t* data);
  /// Programs `length` bytes at `offset` of the page (a partial-page program): programming only
  /// clears bits, so the bytes are ANDed into the page (erased bytes read 0xFF before).
  void program_part(PlaneId plane, BlockId block, PageId page, std::uint32_t offset, const std::uint8_t* data,
                    std::uint32_t length);
  /// Copies the page's bytes (page_data_bytes) into `out`.
  void read(PlaneId plane, BlockId block, PageId page, std::uint8_t* out) const;
  void erase(PlaneId plane, BlockId block);

  std::size_t stored_pages() const { return data_.size(); }

 private:
  std::size_t block_index(PlaneId plane, BlockId block) const;
  std::uint64_t page_key(PlaneId plane, BlockId block, PageId page) const;

  FlashGeometry geometry_;
  /// One bitmap of programmed pages per block, allocated when the block is first programmed.
  std::vector<std::vector<std::uint64_t>> programmed_;
  std::unordered_map<std::uint64_t, std::vector<std::uint8_t>> data_;
};

}  // namespace kvnand
