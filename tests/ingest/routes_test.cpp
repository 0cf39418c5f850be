// Test that header file is self-contained.
#include "routes.hpp"

#include <gtest/gtest.h>

using namespace kinesys::ingest;

TEST(routes, ingestion_paths_are_served_at_the_root_and_under_the_prefix) {
  EXPECT_EQ(match_route("/stream", "/prod").kind, route_kind::put_one);
  EXPECT_EQ(match_route("/prod/stream", "/prod").kind, route_kind::put_one);
  EXPECT_EQ(match_route("/prod/stream?x=1", "/prod").kind, route_kind::put_one);
  auto batch = match_route("/prod/streams/events/records", "/prod");
  EXPECT_EQ(batch.kind, route_kind::put_batch);
  EXPECT_EQ(batch.stream, "events");
  EXPECT_EQ(match_route("/health", "").kind, route_kind::health);
  EXPECT_EQ(match_route("/metrics", "").kind, route_kind::metrics);
}

TEST(routes, anything_else_is_unknown) {
  for (auto target : {"/", "/streams", "/streams//records", "/streams/a/b/records", "/prodstream", "/other/stream",
                      "/stream/", "/prod/prod/stream", "stream"})
    EXPECT_EQ(match_route(target, "/prod").kind, route_kind::unknown) << target;
  EXPECT_EQ(match_route("/prod/stream", "").kind, route_kind::unknown);
}

TEST(routes, prefixes_are_normalized) {
  EXPECT_EQ(normalize_prefix("prod/"), "/prod");
  EXPECT_EQ(normalize_prefix("/prod"), "/prod");
  EXPECT_EQ(normalize_prefix("/"), "");
  EXPECT_EQ(normalize_prefix(""), "");
  EXPECT_EQ(normalize_prefix("/a/b/"), "/a/b");
}
