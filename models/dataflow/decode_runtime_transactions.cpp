// DecodeRuntime: the transactions callers issue one by one (the C-ABI): append, attend, decode step.
#include <string>
#include <vector>

#include "dataflow/decode_runtime.h"

namespace kvnand {

TransactionWork DecodeRuntime::append_token(std::uint32_t layer, std::uint32_t kv_head, const std::uint8_t* k,
                                            const std::uint8_t* v) {
  const KvStream keys{layer, kv_head, KvKind::K};
  const KvStream values{layer, kv_head, KvKind::V};
  check_kv_room({keys, values});
  TransactionWork work;
  work.pages_programmed += kv_append(keys, k);
  work.pages_programmed += kv_append(values, v);
  return work;
}

TransactionWork DecodeRuntime::attend(const AttendQuery& query) {
  if (query.q != nullptr && contents_) {
    const KvMapping& kv = plan_.kv();
    for (KvKind kind : {KvKind::K, KvKind::V})
      if (!contents_->has_values(kv.stream_index(KvStream{query.layer, query.kv_head, kind})))
        throw KvNoValuesError("layer " + std::to_string(query.layer) + " KV head " + std::to_string(query.kv_head) +
                              " holds tokens appended without values (timing only, pre-filled context or a decode "
                              "step), so its attention cannot be computed");
  }
  TransactionWork work;
  work.page_reads = attention(query);
  return work;
}

TransactionWork DecodeRuntime::decode_step() {
  std::vector<KvStream> streams;
  for (std::uint64_t s = 0; s < plan_.kv().streams(); ++s) streams.push_back(plan_.kv().stream_at(s));
  check_kv_room(streams);
  const std::uint64_t reads_before = page_reads_;
  const std::uint64_t programs_before = programs_issued_;
  run_token(tokens_decoded_++);
  return TransactionWork{page_reads_ - reads_before, programs_issued_ - programs_before};
}

void DecodeRuntime::check_kv_room(const std::vector<KvStream>& streams) const {
  const KvMapping& kv = plan_.kv();
  if (plan_.dataflow().variant == Variant::DramKv) {
    // A stream's DRAM region holds the plan's tokens (its write-buffer "page" one more).
    for (const KvStream& stream : streams)
      if (plan_.write_buffer().tokens(stream) + 1 >= kv.tokens_per_page())
        throw KvCapacityError("KV cache full: the DRAM region of layer " + std::to_string(stream.layer) +
                              " KV head " + std::to_string(stream.head) + " holds " +
                              std::to_string(plan_.write_buffer().tokens(stream)) +
                              " tokens, the context plus the decode tokens the platform was planned for");
    return;
  }
  std::vector<KvPageDemand> demand;
  for (const KvStream& stream : streams) {
    const std::uint64_t page = plan_.write_buffer().tokens(stream) / kv.tokens_per_page();
    if (page >= allocated_pages_[kv.stream_index(stream)]) demand.push_back({kv.slot_of(stream, page), stream.kind, 1});
  }
  const std::optional<std::uint64_t> short_slot = plan_.allocator().first_short_slot(demand);
  if (!short_slot) return;
  const GroupPlane where = kv.plane_of_slot(*short_slot);
  const KvStream& first = streams.front();
  throw KvCapacityError("KV cache full: plane " + std::to_string(where.plane.value()) + " of KV die " +
                        std::to_string(where.die_index) + " (plane slot " + std::to_string(*short_slot) +
                        ") has no free block for the next page (layer " + std::to_string(first.layer) + " KV head " +
                        std::to_string(first.head) + " holds " + std::to_string(plan_.write_buffer().tokens(first)) +
                        " tokens)");
}

}  // namespace kvnand
