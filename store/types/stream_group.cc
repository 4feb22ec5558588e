#include "store/types/stream_group.h"

namespace respd::store {

StreamConsumer* StreamGroup::CreateConsumer(std::string_view name, int64_t now_ms) {
  auto [it, inserted] = consumers.try_emplace(std::string(name));
  if (!inserted) return nullptr;
  it->second = std::make_unique<StreamConsumer>();
  it->second->name = it->first;
  it->second->seen_time = now_ms;
  consumers_by_name.emplace(it->first, it->second.get());
  return it->second.get();
}

size_t StreamGroup::DeleteConsumer(std::string_view name) {
  auto it = consumers.find(name);
  if (it == consumers.end()) return 0;
  const size_t pending = it->second->pel.size();
  for (const auto& entry : it->second->pel) pel.erase(entry.first);
  consumers_by_name.erase(it->first);
  consumers.erase(it);
  return pending;
}

bool StreamGroup::Acknowledge(StreamId id) {
  auto it = pel.find(id);
  if (it == pel.end()) return false;
  if (it->second->consumer != nullptr) it->second->consumer->pel.erase(id);
  pel.erase(it);
  return true;
}

void StreamGroup::MoveNack(StreamId id, StreamNack* nack, StreamConsumer* consumer) {
  if (nack->consumer == consumer) return;
  if (nack->consumer != nullptr) nack->consumer->pel.erase(id);
  consumer->pel.emplace(id, nack);
  nack->consumer = consumer;
}

size_t StreamGroup::MemoryUsage() const {
  // A red-black tree node is about four pointers plus its value.
  constexpr size_t kTreeNode = 4 * sizeof(void*);
  size_t bytes = sizeof(StreamGroup) +
                 pel.size() * (kTreeNode + sizeof(StreamId) + sizeof(void*) + sizeof(StreamNack));
  // The name index: a bucket and a node (link, view, pointer, hash) each.
  bytes += consumers_by_name.bucket_count() * sizeof(void*);
  for (const auto& [name, consumer] : consumers) {
    bytes += kTreeNode + sizeof(std::string) + sizeof(void*) + sizeof(StreamConsumer) +
             name.capacity() * 2 + 4 * sizeof(void*) + sizeof(std::string_view) +
             consumer->pel.size() * (kTreeNode + sizeof(StreamId) + sizeof(void*));
  }
  return bytes;
}

std::unique_ptr<StreamGroup> StreamGroup::Copy() const {
  auto copy = std::make_unique<StreamGroup>();
  copy->last_id = last_id;
  copy->entries_read = entries_read;
  for (const auto& [name, consumer] : consumers) {
    StreamConsumer* c = copy->CreateConsumer(name, consumer->seen_time);
    for (const auto& [id, nack] : consumer->pel) {
      auto n = std::make_unique<StreamNack>(*nack);
      n->consumer = c;
      c->pel.emplace(id, n.get());
      copy->pel.emplace(id, std::move(n));
    }
  }
  return copy;
}

}  // namespace respd::store
