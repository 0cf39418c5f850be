#pragma once
// The one hand-off point between application threads and a core (the role
// of librdkafka's rktp_msgq). A put takes a free slot of the core's record
// arena, fills it and queues its index (taking and queueing under a short
// mutex, filling outside it); the core takes
// the queued indices in one swap and works on the slots alone from then on.
// The record is written once, where it will live until it is answered: no
// copy on the way in, and a slot's strings keep their capacity for the next
// record, so steady-state hand-off allocates nothing. The core is woken by
// one post per batch, not one per record, and hands the slots it finished
// back in the same swap.
#include "records.hpp"

#include <kinesys/detail/producer/config.hpp>

#include <sys/mman.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <new>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace kinesys::producer::detail {

/// User record slots at stable addresses, named by 32-bit indices. Slots
/// are added in chunks by application threads (under the intake's mutex)
/// while the core reads others; an existing chunk never moves, and the core
/// only reads slots whose index reached it through that mutex.
class record_arena {
public:
  static constexpr std::uint32_t chunk_slots = 4096;
  static constexpr std::uint32_t max_chunks = 4096;  // 16 M records
  static_assert(std::uint64_t{chunk_slots} * max_chunks >= 2 * max_outstanding_records_limit,
                "the arena must hold twice MaxOutstandingRecords: answered slots return with the next hand-off");

  record_arena() = default;
  record_arena(record_arena const&) = delete;
  record_arena& operator=(record_arena const&) = delete;
  ~record_arena() {
    for (std::uint32_t c = 0; c * chunk_slots < size_; ++c) {
      std::destroy_n(chunks_[c], chunk_slots);
      std::free(chunks_[c]);
    }
  }

  user_record& operator[](std::uint32_t i) noexcept { return chunks_[i / chunk_slots][i % chunk_slots]; }

  /// A new slot's index. @locality under the intake's mutex (a slot is
  /// then reached without it: its chunk's entry was written before the
  /// index was handed out under that mutex)
  std::uint32_t grow() {
    std::uint32_t i = size_;
    if (i % chunk_slots == 0) {
      // Unreachable within MaxOutstandingRecords (static_assert above).
      if (i / chunk_slots >= max_chunks) throw std::length_error("kinesys producer: more than 16 M records held by one core");
      chunks_[i / chunk_slots] = new_chunk();
    }
    ++size_;
    return i;
  }

private:
  static constexpr std::size_t huge_page = 2 << 20;
  static constexpr std::size_t chunk_bytes =
      (chunk_slots * sizeof(user_record) + huge_page - 1) / huge_page * huge_page;

  // Records are reached in no particular order, and a 4 KiB page per record
  // touched is a TLB miss per record: chunks are asked to be huge pages.
  static user_record* new_chunk() {
    void* p = std::aligned_alloc(huge_page, chunk_bytes);
    if (!p) throw std::bad_alloc();
    ::madvise(p, chunk_bytes, MADV_HUGEPAGE);  // advice only: without it the chunk still works
    auto* slots = static_cast<user_record*>(p);
    std::uninitialized_value_construct_n(slots, chunk_slots);
    return slots;
  }

  std::array<user_record*, max_chunks> chunks_{};
  std::uint32_t size_ = 0;
};

/// @locality any thread (push), owning core (take, records)
class intake {
public:
  /// Fills a free slot with `fill(user_record&)` and queues it. Returns true
  /// when the core must be woken (nothing was queued and nobody has woken
  /// it yet).
  template <class Fill>
  bool push(Fill&& fill) {
    std::uint32_t i;
    {
      std::lock_guard lock(mutex_);
      if (free_.empty()) {
        i = arena_.grow();
      } else {
        i = free_.back();
        free_.pop_back();
        // The next puts most likely fill the next free slots, last written
        // by the core: asking for their lines now, with intent to write,
        // overlaps the transfers with this put instead of stalling the next.
        // The slot after next gets its lines; the next one, whose lines were
        // asked for by the previous put, gets its data's buffer.
        std::size_t n = free_.size();
        if (n >= 2) prefetch_for_write(&arena_[free_[n - 2]]);
        if (n >= 1) prefetch_data_for_write(arena_[free_[n - 1]]);
      }
    }
    // Filled outside the lock: the slot is this thread's until it is queued,
    // and filling it (a few cache misses on a slot last written by the
    // core) is most of a put's time. Holding the lock through it made the
    // core's take() wait, and the put pay a futex wake-up.
    try {
      fill(arena_[i]);
    } catch (...) {
      std::lock_guard lock(mutex_);
      free_.push_back(i);
      throw;
    }
    std::lock_guard lock(mutex_);
    queued_.push_back(i);
    if (wake_pending_) return false;
    wake_pending_ = true;
    return true;
  }

  struct batch_push {
    bool wake = false;     ///< as push()'s result
    std::size_t filled = 0;  ///< records queued: less than asked only if filling one threw
  };

  /// push() for `n` records, filled by `fill(k, slot)` for k in [0, n) and
  /// queued in that order: the slots are taken under one lock and queued
  /// under one more, whatever `n`. `slots` is the caller's scratch. A fill
  /// that throws (out of memory) ends the batch there: the records before
  /// it are queued, the rest's slots go back, and `filled` says how many.
  template <class Fill>
  batch_push push_many(std::size_t n, std::vector<std::uint32_t>& slots, Fill&& fill) {
    slots.clear();
    {
      std::lock_guard lock(mutex_);
      std::size_t reuse = std::min(n, free_.size());
      slots.assign(free_.end() - static_cast<std::ptrdiff_t>(reuse), free_.end());
      free_.resize(free_.size() - reuse);
      while (slots.size() < n) slots.push_back(arena_.grow());
    }
    // Slots were last written by the core: their lines are asked for well
    // ahead, and their data buffers (whose address is in those lines) less
    // far ahead, once the lines have most likely arrived.
    constexpr std::size_t slot_ahead = 8, data_ahead = 4;
    for (std::size_t k = 0; k < std::min(slot_ahead, n); ++k) prefetch_for_write(&arena_[slots[k]]);
    std::size_t filled = 0;
    try {
      for (; filled < n; ++filled) {
        if (filled + slot_ahead < n) prefetch_for_write(&arena_[slots[filled + slot_ahead]]);
        if (filled + data_ahead < n) prefetch_data_for_write(arena_[slots[filled + data_ahead]]);
        fill(filled, arena_[slots[filled]]);
      }
    } catch (...) {
    }
    std::lock_guard lock(mutex_);
    queued_.insert(queued_.end(), slots.begin(), slots.begin() + static_cast<std::ptrdiff_t>(filled));
    free_.insert(free_.end(), slots.begin() + static_cast<std::ptrdiff_t>(filled), slots.end());
    if (filled == 0 || wake_pending_) return {false, filled};
    wake_pending_ = true;
    return {true, filled};
  }

  /// Swaps the queued slot indices into `taken` (cleared first) and takes
  /// back the slots in `finished` (left empty) for reuse.
  void take(std::vector<std::uint32_t>& taken, std::vector<std::uint32_t>& finished) {
    taken.clear();
    std::lock_guard lock(mutex_);
    taken.swap(queued_);
    free_.insert(free_.end(), finished.begin(), finished.end());
    finished.clear();
    wake_pending_ = false;
  }

  /// A slot the core was handed. @locality owning core
  user_record& operator[](std::uint32_t i) noexcept { return arena_[i]; }

private:
  static void prefetch_for_write(user_record const* u) noexcept {
    auto const* bytes = reinterpret_cast<char const*>(u);
    for (std::size_t line = 0; line < 4 * 64; line += 64) __builtin_prefetch(bytes + line, 1);
  }
  static void prefetch_data_for_write(user_record const& u) noexcept {
    for (std::size_t off = 0; off < std::min<std::size_t>(u.data.capacity(), 256); off += 64)
      __builtin_prefetch(u.data.data() + off, 1);
  }

  // What the mutex guards shares its cache lines with nothing else. The
  // arena's chunk table, read by the core at every record it touches, sat
  // in the mutex's line: every put then took that line from the core, and
  // the core's next record took it back.
  alignas(64) std::mutex mutex_;
  std::vector<std::uint32_t> queued_;
  std::vector<std::uint32_t> free_;
  bool wake_pending_ = false;
  alignas(64) record_arena arena_;
};

}  // namespace kinesys::producer::detail
