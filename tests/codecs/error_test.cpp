// Test that header file is self-contained.
#include <kinesys/detail/codecs/error.hpp>

#include <kinesys/codecs.hpp>

#include <gtest/gtest.h>

#include <set>

namespace codecs = kinesys::codecs;
using codecs::errc;

TEST(error, codes_convert_to_error_codes_of_the_codecs_category)
{
  boost::system::error_code ec = errc::base64_bad_padding;
  EXPECT_EQ(&ec.category(), &codecs::codecs_category());
  EXPECT_STREQ(ec.category().name(), "kinesys.codecs");
  EXPECT_EQ(ec, errc::base64_bad_padding);
  EXPECT_NE(ec, errc::base64_bad_character);
}

TEST(error, every_code_has_its_own_message)
{
  std::set<std::string> messages;
  for (int e = static_cast<int>(errc::base64_bad_character); e <= static_cast<int>(errc::compression_failed); ++e) {
    auto m = codecs::make_error_code(static_cast<errc>(e)).message();
    EXPECT_NE(m, "kinesys.codecs: unknown error") << e;
    messages.insert(m);
  }
  EXPECT_EQ(messages.size(), static_cast<std::size_t>(errc::compression_failed) - static_cast<std::size_t>(errc::base64_bad_character) + 1);
}

TEST(error, decode_error_message_names_offset_and_field)
{
  codecs::decode_error e{errc::aggregated_truncated, 17, "Record.data"};
  EXPECT_EQ(e.message(), "KPL aggregated record: truncated at byte 17 (Record.data)");
  boost::system::error_code ec = e;
  EXPECT_EQ(ec, errc::aggregated_truncated);
}

TEST(error, value_on_a_failed_result_throws_system_error_with_the_details)
{
  codecs::decode_result<int> r = codecs::decode_error{errc::hash_key_syntax, 3, "hash key digit"};
  try {
    (void)r.value();
    FAIL() << "value() did not throw";
  } catch (boost::system::system_error const& e) {
    EXPECT_EQ(e.code(), errc::hash_key_syntax);
    EXPECT_NE(std::string(e.what()).find("at byte 3 (hash key digit)"), std::string::npos) << e.what();
  }
}
