// Untrusted text in log lines. A log line is one event: `key=value` pairs on one line, values
// with spaces in double quotes. Text a peer chose (form ids, agent strings, field names, error
// details that quote them) must neither end the line nor close the quotes, or a device could
// write a line of its own ("... outcome=ok") into the server's log; and it must be short, or
// one message makes a megabyte of log.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace canvass::util {

// The most bytes of one untrusted value kept in a log line.
inline constexpr std::size_t log_value_bytes = 200;
// The most bytes of a whole log line, timestamp excepted.
inline constexpr std::size_t log_line_bytes = 2048;

// `text` as a double-quoted log value: `"` and `\` escaped with a backslash, every byte
// outside printable ASCII (newlines, controls, DEL, anything above 0x7e) written as \xHH,
// and at most `max_bytes` bytes of `text` kept, the cut marked with how many were left out:
//   log_quoted("a\nb")  ->  "a\x0ab"
//   log_quoted(1 MiB)   ->  "aaaa…aaaa"...(1048376 more bytes)
std::string log_quoted(std::string_view text, std::size_t max_bytes = log_value_bytes);

// A whole line made safe as the last defence of the logger: every byte outside printable
// ASCII written as \xHH (quotes are left alone: values are quoted by log_quoted), cut to
// `max_bytes`, the cut marked.
std::string log_line_safe(std::string_view line, std::size_t max_bytes = log_line_bytes);

}  // namespace canvass::util
