// The PostgreSQL of a test program (tests/support/postgres_cluster.hpp), started on first use
// and stopped when the program ends. Tests that need it start with CANVASS_REQUIRE_POSTGRES(),
// which skips them, saying why, only where PostgreSQL is not installed.
#pragma once

#include <gtest/gtest.h>

#include "postgres_cluster.hpp"

namespace canvass::pg_test {

class PostgresServer {
  public:
    static PostgresServer& get() {
        static PostgresServer server;
        return server;
    }
    const std::optional<std::string>& skip_reason() const { return cluster_.unavailable(); }
    // A new, empty database on the server, and its URL.
    std::string create_database() {
        auto url = cluster_.create_database();
        EXPECT_FALSE(url.empty()) << "createdb failed";
        return url;
    }

  private:
    PostgresServer() = default;
    testing::PostgresCluster cluster_;
};

#define CANVASS_REQUIRE_POSTGRES()                                                          \
    do {                                                                                    \
        if (const auto& why = ::canvass::pg_test::PostgresServer::get().skip_reason(); why) \
            GTEST_SKIP() << *why;                                                           \
    } while (0)

}  // namespace canvass::pg_test
