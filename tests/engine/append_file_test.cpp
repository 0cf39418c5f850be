// Test that header file is self-contained.
#include "kinesys/detail/engine/append_file.hpp"

#include "run_coroutine.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>

namespace asio = boost::asio;
using namespace kinesys::engine;
using kinesys::test::run_coroutine;
using boost::system::error_code;
using namespace std::chrono_literals;

namespace {

struct temp_dir : ::testing::Test {
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() /
          ("kinesys-file-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  void TearDown() override { std::filesystem::remove_all(dir); }

  static std::string slurp(std::filesystem::path const& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }

  std::filesystem::path dir;
  asio::io_context context{1};
};

using append_file_test = temp_dir;
using file_reader_test = temp_dir;

}  // namespace

TEST_F(append_file_test, creates_the_file_and_appends_in_order) {
  auto path = dir / "spool.log";
  auto ec = run_coroutine(context, [&]() -> asio::awaitable<error_code> {
    auto file = append_file::open(context.get_executor(), path, {.fsync = fsync_policy::always});
    if (!file)
      co_return file.error();
    for (auto part : {"alpha\n", "beta\n", "gamma\n"})
      if (auto ec = co_await file->append(part); ec)
        co_return ec;
    EXPECT_EQ(file->size(), 17u);
    co_return co_await file->close();
  }());
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(slurp(path), "alpha\nbeta\ngamma\n");
}

TEST_F(append_file_test, reopening_appends_after_the_existing_bytes) {
  auto path = dir / "spool.log";
  std::ofstream(path) << "old;";
  auto content = run_coroutine(context, [&]() -> asio::awaitable<std::string> {
    auto file = append_file::open(context.get_executor(), path);
    EXPECT_EQ(file->size(), 4u);
    co_await file->append("new;");
    auto all = co_await file->read_all();
    co_await file->close();
    co_return all ? *all : all.error().message();
  }());
  EXPECT_EQ(content, "old;new;");
}

TEST_F(append_file_test, concurrent_appends_share_writes_and_all_land) {
  auto path = dir / "group.log";
  using namespace asio::experimental::awaitable_operators;
  auto content = run_coroutine(context, [&]() -> asio::awaitable<std::string> {
    auto file = append_file::open(context.get_executor(), path, {.fsync = fsync_policy::always});
    auto writer = [&](char tag) -> asio::awaitable<int> {
      int failures = 0;
      for (int i = 0; i < 50; ++i)
        failures += (co_await file->append(std::string(10, tag))) ? 1 : 0;
      co_return failures;
    };
    auto [a, b, c] = co_await (writer('a') && writer('b') && writer('c'));
    EXPECT_EQ(a + b + c, 0);
    co_await file->close();
    co_return slurp(path);
  }());
  ASSERT_EQ(content.size(), 1500u);
  // Each append is contiguous: runs of one tag come in multiples of 10.
  for (std::size_t i = 0; i < content.size(); i += 10)
    EXPECT_EQ(content.substr(i, 10), std::string(10, content[i])) << i;
  EXPECT_EQ(std::count(content.begin(), content.end(), 'b'), 500);
}

TEST_F(append_file_test, recovery_reads_everything_and_truncate_cuts_a_torn_tail) {
  auto path = dir / "recover.log";
  auto content = run_coroutine(context, [&]() -> asio::awaitable<std::string> {
    {
      auto file = append_file::open(context.get_executor(), path, {.fsync = fsync_policy::never});
      co_await file->append("record-1\nrecord-2\nrec");  // the last record is torn
      co_await file->close();
    }
    auto file = append_file::open(context.get_executor(), path);
    auto all = co_await file->read_all();
    EXPECT_TRUE(all);
    auto const good = all->rfind('\n') + 1;
    EXPECT_FALSE(co_await file->truncate(good));
    EXPECT_EQ(file->size(), good);
    co_await file->append("record-3\n");
    co_await file->close();
    co_return slurp(path);
  }());
  EXPECT_EQ(content, "record-1\nrecord-2\nrecord-3\n");
}

TEST_F(append_file_test, truncate_beyond_the_end_is_invalid) {
  auto path = dir / "t.log";
  auto ec = run_coroutine(context, [&]() -> asio::awaitable<error_code> {
    auto file = append_file::open(context.get_executor(), path);
    co_await file->append("abc");
    auto ec = co_await file->truncate(10);
    co_await file->close();
    co_return ec;
  }());
  EXPECT_EQ(ec, boost::system::errc::invalid_argument);
}

TEST_F(append_file_test, interval_policy_syncs_in_the_background_and_close_flushes) {
  auto path = dir / "interval.log";
  auto ec = run_coroutine(context, [&]() -> asio::awaitable<error_code> {
    auto file = append_file::open(context.get_executor(), path, {.fsync = fsync_policy::interval, .fsync_interval = 5ms});
    co_await file->append("x");
    auto ec = co_await file->sync();
    if (ec)
      co_return ec;
    co_await file->append("y");
    co_return co_await file->close();
  }());
  EXPECT_FALSE(ec);
  EXPECT_EQ(slurp(path), "xy");
}

TEST_F(append_file_test, opening_in_a_missing_directory_names_the_system_error) {
  auto file = append_file::open(context.get_executor(), dir / "no" / "such" / "file");
  ASSERT_FALSE(file);
  EXPECT_EQ(file.error(), boost::system::errc::no_such_file_or_directory);
}

TEST_F(append_file_test, appending_after_close_fails_cleanly) {
  auto path = dir / "closed.log";
  auto ec = run_coroutine(context, [&]() -> asio::awaitable<error_code> {
    auto file = append_file::open(context.get_executor(), path);
    co_await file->close();
    EXPECT_FALSE(file->is_open());
    co_return co_await file->append("late");
  }());
  EXPECT_EQ(ec, boost::system::errc::bad_file_descriptor);
}

TEST_F(append_file_test, a_large_append_is_written_whole) {
  auto path = dir / "large.log";
  std::string big(3u << 20, '\0');
  for (std::size_t i = 0; i < big.size(); ++i)
    big[i] = static_cast<char>('a' + i % 26);
  auto ec = run_coroutine(context, [&]() -> asio::awaitable<error_code> {
    auto file = append_file::open(context.get_executor(), path);
    co_await file->append(big);
    co_return co_await file->close();
  }());
  EXPECT_FALSE(ec);
  EXPECT_EQ(slurp(path), big);
}

TEST_F(file_reader_test, reads_sequentially_and_by_position) {
  auto path = dir / "data.bin";
  std::ofstream(path) << "0123456789";
  auto [first, second, tail, at, eof] = run_coroutine(context, [&]() -> asio::awaitable<std::tuple<std::string, std::string, std::string, std::string, std::size_t>> {
    auto reader = file_reader::open(context.get_executor(), path);
    EXPECT_TRUE(reader);
    EXPECT_EQ(reader->size().value(), 10u);
    char buf[4];
    auto n1 = co_await reader->read(buf);
    std::string a(buf, *n1);
    auto n2 = co_await reader->read(buf);
    std::string b(buf, *n2);
    auto rest = co_await reader->read_rest();
    auto n3 = co_await reader->read_at(5, buf);
    std::string c(buf, *n3);
    auto n4 = co_await reader->read(buf);
    co_return std::tuple{a, b, *rest, c, *n4};
  }());
  EXPECT_EQ(first, "0123");
  EXPECT_EQ(second, "4567");
  EXPECT_EQ(tail, "89");
  EXPECT_EQ(at, "5678");
  EXPECT_EQ(eof, 0u);
}

TEST_F(file_reader_test, opening_a_missing_file_fails) {
  auto reader = file_reader::open(context.get_executor(), dir / "missing");
  ASSERT_FALSE(reader);
  EXPECT_EQ(reader.error(), boost::system::errc::no_such_file_or_directory);
}
