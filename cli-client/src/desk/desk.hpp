// The coordinator's desk (`canvass desk`, docs/desk.md): its pages and actions as one object
// that takes a request and returns a response. No socket here (server.hpp serves it), so
// the tests drive it directly.
//
// Pages (GET): /                forms, their record counts by field researcher and by day
//              /form?id=F       the submissions table: filter, search, sort, pages
//              /record?id=R     a record in any of its form's languages, with each field's
//                               history and its conflicts, and its review
//              /map?id=F        the form's geopoints on a plain projection
//              /assets/desk.css the one stylesheet (embedded, assets.cpp)
// Actions (POST, CSRF-checked): /settle, /review, /sync, /export.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "canvass/coordinator.hpp"
#include "canvass/record_table.hpp"
#include "desk/guard.hpp"
#include "desk/http.hpp"

namespace canvass::cli::desk {

// Runs one sync with the server; returns what it did, in words, or the error.
using SyncAction = std::function<Result<std::string>()>;

struct DeskSetup {
    SyncAction sync;  // empty: the page has no sync button
};

class Desk {
  public:
    // `device` and `coordinator` (the view over it) must outlive the desk.
    Desk(Device& device, Coordinator& coordinator, Guard guard, DeskSetup setup);

    // Decrypts and lays out every form's records (again: after a sync), a RecordTable per
    // form. Errors of the coordinator view pass through (a key that is not the project's).
    Result<void> load();
    // Every request goes through here: the guard, then the page or action, then the
    // headers every answer carries. Never throws.
    Response handle(const Request& request);

    // Replaces the records shown with `tables` (a bench builds 100,000 records this way,
    // without encrypting them first).
    void adopt(std::vector<RecordTable> tables) { tables_ = std::move(tables); }

    Guard& guard() { return guard_; }
    const std::vector<RecordTable>& tables() const { return tables_; }

    // Per request: the page's language and the pieces every page shares.
    struct View {
        std::string lang;   // the page's words: en, fr or es
        std::string asked;  // ?lang= as given ("" when not)
        std::string csrf;
    };

  private:
    Response route(const Request& request, const View& view);
    Response forms_page(const View& v);
    Response table_page(const Params& q, const View& v);
    Response record_page(const Params& q, const View& v);
    Response map_page(const Params& q, const View& v);
    Response settle(const Params& body, const View& v);
    Response review(const Params& body, const View& v);
    Response sync(const View& v);
    Response download(const Params& body, const View& v);

    // The page shell around `main` (escaped by the caller), with the nav bar.
    std::string page(const View& v, const std::string& title, const std::string& main);
    Response failure(const View& v, int status, const std::string& message);
    // "Ana (3f2a9c1d)", or "device 3f2a9c1d" when the coordinator's view has no label.
    std::string device_name(const std::string& device_hex) const;
    RecordTable* table_of_record(std::string_view id);
    RecordTable* table_named(std::string_view form_id);

    Device& device_;
    Coordinator& coordinator_;
    Guard guard_;
    DeskSetup setup_;
    std::vector<RecordTable> tables_;
};

// A link to `path` with `params` (encoded), keeping the page language when one was asked.
std::string link(const Desk::View& v, const std::string& path, const Params& params = {});

// The language of the form's own labels on a page: the one asked when the form has it, else
// the page's when the form has it, else the form's default.
std::string form_language(const FormView& form, const Desk::View& v);
std::string form_title(const FormView& form, const Desk::View& v);

// An answer's JSON text as the page shows it: `unreadable` when not decrypted, `unanswered`
// when absent, null or empty, choices by their labels in `lang`.
std::string answer_shown(const FormView& form, const std::string& path,
                         const std::optional<std::string>& text, bool readable,
                         const std::string& unreadable, const std::string& unanswered,
                         const std::string& lang);

// The stylesheet (assets.cpp).
std::string_view stylesheet();

}  // namespace canvass::cli::desk
