// Convergence of the merge (DESIGN.md sections 5 and 9): seeded random schedules of 3 to 6
// replicas (a server that relays, a coordinator, collectors, some unable to decrypt)
// editing, deleting, keeping, adding repeat instances and resolving conflicts, exchanging
// changesets in random order, with duplicates, dropped and cut batches and relays.
//
// Checked for every seed: replicas holding the same changesets have the same digests and
// views; each replica's view matches a naive model of the rules (merge_oracle.hpp), so no
// value that nothing superseded is ever missing; states survive a save and reload; and
// after a full exchange every replica agrees.
//
//   CANVASS_PROPERTY_SEEDS=100000 ./property_tests --gtest_filter='MergeConvergence.*'
//   CANVASS_PROPERTY_SEED=1234    ./property_tests --gtest_filter='MergeConvergence.*'
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "../unit/merge/merge_test_support.hpp"
#include "merge/digest.hpp"
#include "merge/record_view.hpp"
#include "merge_oracle.hpp"

namespace canvass::merge {
namespace {

using testing::Author;
using testing::Values;

constexpr std::uint64_t kDayMs = 86'400'000;
constexpr std::uint64_t kStartMs = 1'790'000'000'000;  // November 2026

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
    const char* text = std::getenv(name);
    if (!text || !*text) return fallback;
    return std::strtoull(text, nullptr, 10);
}

// What the schedules produced, to show they exercise every rule.
struct Coverage {
    std::uint64_t changesets = 0, conflicts = 0, deleted_records = 0, record_delete_conflicts = 0,
                  instances = 0, deleted_instances = 0, instance_delete_conflicts = 0;
};

struct Replica {
    bool reader = true;              // can decrypt values
    std::unique_ptr<Author> author;  // null for the server, which only relays
    std::map<RecordId, RecordState> records;
    std::vector<std::size_t> held;  // indexes into the global log, in arrival order
    std::set<std::size_t> held_set;
};

// One seeded run. Failures are gtest failures; the caller adds the seed to them.
class Simulation {
  public:
    Simulation(std::uint64_t seed, Coverage& coverage) : rng_(seed), coverage_(coverage) {
        const std::size_t n = 3 + rng_.below(4);
        for (std::size_t i = 0; i < n; ++i) {
            Replica r;
            if (i > 0) {                               // replica 0 is the server
                r.reader = i == 1 || rng_.chance(70);  // replica 1 is the coordinator
                r.author =
                    std::make_unique<Author>(static_cast<std::uint8_t>(i + 1), kStartMs + skew());
            } else {
                r.reader = false;
            }
            replicas_.push_back(std::move(r));
        }
        const std::size_t n_records = 1 + rng_.below(3);
        for (std::size_t i = 0; i < n_records; ++i) record_ids_.push_back(new_uuid(rng_));
    }

    void run() {
        const std::size_t steps = 10 + rng_.below(50);
        for (std::size_t step = 0; step < steps && !::testing::Test::HasFatalFailure(); ++step) {
            for (auto& r : replicas_)
                if (r.author) r.author->clock().advance(rng_.below(5000));
            const auto roll = rng_.below(100);
            if (roll < 50) {
                edit(pick_author());
            } else if (roll < 95) {
                deliver(rng_.below(replicas_.size()), rng_.below(replicas_.size()));
            } else {
                reload(rng_.below(replicas_.size()));
            }
        }
        check_all("before the full exchange");
        full_exchange();
        check_all("after the full exchange");
        check_agreement();
        count_coverage();
        settle();
        full_exchange();
        check_all("after the coordinator settled");
        check_agreement();
        check_settled();
    }

  private:
    // Most clocks are roughly right; some are minutes or days off, one may be in 2099.
    std::uint64_t skew() {
        const auto roll = rng_.below(100);
        if (roll < 60) return rng_.below(60'000);
        if (roll < 80) return rng_.below(kDayMs);
        if (roll < 95) return 30 * kDayMs + rng_.below(kDayMs);
        return 4'070'908'800'000 - kStartMs;  // 2099
    }

    std::size_t pick_author() { return 1 + rng_.below(replicas_.size() - 1); }

    RecordState& state_of(Replica& r, const RecordId& id) {
        return r.records.try_emplace(id, id).first->second;
    }

    std::string new_instance(const std::string& parent, const char* repeat) {
        return instance_path(parent, repeat, new_uuid(rng_));
    }

    // An instance path the replica already knows, or a new one (sometimes nested).
    std::string some_instance(const RecordState& s) {
        std::vector<std::string> known;
        for (const auto& [path, key] : s.instances()) known.push_back(path);
        if (!known.empty() && rng_.chance(65)) return known[rng_.below(known.size())];
        if (!known.empty() && rng_.chance(40)) {
            const auto& parent = known[rng_.below(known.size())];
            if (parent.find('/') == std::string::npos) return new_instance(parent, "jobs");
        }
        return new_instance("", "members");
    }

    std::string some_field(const RecordState& s) {
        static const char* const kFields[] = {"age", "name", "income", "city", "phone"};
        const auto roll = rng_.below(100);
        if (roll < 35) {  // an existing field, to make conflicts
            std::vector<std::string> known;
            for (const auto& [path, ids] : s.registers())
                if (path_kind(path) == PathKind::field) known.push_back(path);
            if (!known.empty()) return known[rng_.below(known.size())];
        }
        if (roll < 70) return kFields[rng_.below(5)];
        return field_path(some_instance(s), kFields[rng_.below(5)]);
    }

    // A path with a conflict, resolved by a set over every candidate; or any field.
    std::string conflicted_field(const RecordState& s) {
        for (const auto& [path, ids] : s.registers())
            if (ids.size() > 1 && path_kind(path) == PathKind::field) return path;
        return some_field(s);
    }

    Op some_op(const RecordState& s) {
        const auto roll = rng_.below(100);
        if (roll < 55) return set_op(s, some_field(s));
        if (roll < 65) return set_op(s, conflicted_field(s));
        if (roll < 77) return delete_instance_op(s, some_instance(s));
        if (roll < 84) return delete_record_op(s);
        if (roll < 92) return keep_op(s, "");
        return keep_op(s, some_instance(s));
    }

    void edit(std::size_t who) {
        Replica& r = replicas_[who];
        const RecordId& id = record_ids_[rng_.below(record_ids_.size())];
        RecordState& s = state_of(r, id);
        std::vector<Op> ops;
        std::set<std::string> paths;
        const std::size_t n = 1 + rng_.below(4);
        for (std::size_t i = 0; i < n; ++i) {
            Op op = some_op(s);
            if (paths.insert(op.path).second) ops.push_back(std::move(op));
        }
        Values values;
        for (std::size_t i = 0; i < ops.size(); ++i) {
            if (ops[i].kind == OpKind::set)
                values.push_back("\"" + std::to_string(log_.size()) + "." + std::to_string(i) +
                                 "\"");
            else
                values.push_back(std::nullopt);
        }
        Changeset cs = r.author->write(id, std::move(ops));
        const auto applied = s.apply(cs.header, values);
        ASSERT_TRUE(applied) << applied.error().describe();
        log_.push_back(std::move(cs));
        values_.push_back(std::move(values));
        r.held.push_back(log_.size() - 1);
        r.held_set.insert(log_.size() - 1);
    }

    void receive(std::size_t to, std::size_t index) {
        Replica& r = replicas_[to];
        const Changeset& cs = log_[index];
        RecordState& s = state_of(r, cs.header.record);
        const auto applied = s.apply(cs.header, r.reader ? values_[index] : Values{});
        ASSERT_TRUE(applied) << applied.error().describe();
        const bool fresh = r.held_set.insert(index).second;
        EXPECT_EQ(fresh, *applied == Applied::merged);
        if (fresh) r.held.push_back(index);
        // Far-ahead stamps are merged but not adopted by the receiver's clock.
        if (r.author && !hlc_far_ahead(cs.header.hlc, r.author->clock().now_ms(), kDayMs))
            r.author->observe(cs.header.hlc);
    }

    // A batch of what `from` holds (its own and relayed changesets), in random order, with
    // duplicates, sometimes cut short.
    void deliver(std::size_t from, std::size_t to) {
        const auto& held = replicas_[from].held;
        if (held.empty() || from == to) return;
        const std::size_t n = 1 + rng_.below(std::min<std::size_t>(held.size() + 2, 16));
        std::vector<std::size_t> batch;
        for (std::size_t i = 0; i < n; ++i) batch.push_back(held[rng_.below(held.size())]);
        if (rng_.chance(20)) batch.resize(rng_.below(batch.size() + 1));  // the network cut
        for (std::size_t index : batch) receive(to, index);
    }

    // A replica persists every record state and loads it back, as the store does.
    void reload(std::size_t who) {
        for (auto& [id, state] : replicas_[who].records) {
            auto loaded = RecordState::deserialize(state.serialize());
            ASSERT_TRUE(loaded) << loaded.error().describe();
            ASSERT_EQ(*loaded, state);
            state = std::move(*loaded);
        }
    }

    void full_exchange() {
        for (std::size_t to = 0; to < replicas_.size(); ++to) {
            std::vector<std::size_t> order(log_.size());
            for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
            for (std::size_t i = order.size(); i > 1; --i)
                std::swap(order[i - 1], order[rng_.below(i)]);
            for (std::size_t i = 0; i < order.size(); ++i) {
                receive(to, order[i]);
                if (rng_.chance(10)) receive(to, order[rng_.below(i + 1)]);  // a duplicate
            }
        }
    }

    std::vector<const ChangesetHeader*> headers_of(const RecordState& s) const {
        std::vector<const ChangesetHeader*> out;
        for (const auto& cs : log_)
            if (cs.header.record == s.id() && s.has_changeset(cs.header.device, cs.header.seq))
                out.push_back(&cs.header);
        return out;
    }

    std::optional<std::string> value_of(const OpId& id) const {
        for (std::size_t i = 0; i < log_.size(); ++i)
            if (log_[i].header.device == id.device && log_[i].header.seq == id.seq)
                return values_[i].at(id.index);
        return std::nullopt;
    }

    void check_all(const char* when) {
        SCOPED_TRACE(when);
        for (std::size_t i = 0; i < replicas_.size(); ++i) {
            SCOPED_TRACE("replica " + std::to_string(i));
            for (const auto& [id, state] : replicas_[i].records) {
                check_against_model(replicas_[i], state);
                check_replay(replicas_[i], state);
            }
        }
        check_same_sets_same_digests();
    }

    // The view agrees with the naive model: every live value is a candidate, in order,
    // deletes and conflicts are flagged as the rules say, instances are ordered.
    void check_against_model(const Replica& r, const RecordState& state) {
        const oracle::Model model(headers_of(state));
        const RecordView view = make_view(state);
        EXPECT_EQ(view.status, model.status(""));
        const auto paths = model.field_paths();
        ASSERT_EQ(view.fields.size(), paths.size());
        for (const FieldView& field : view.fields) {
            ASSERT_TRUE(paths.count(field.path)) << field.path;
            const auto expected = model.candidates(field.path);
            ASSERT_EQ(field.candidates.size(), expected.size()) << field.path;
            for (std::size_t k = 0; k < expected.size(); ++k) {
                EXPECT_EQ(field.candidates[k].op, expected[k].id) << field.path;
                if (r.reader) {
                    EXPECT_EQ(field.candidates[k].value, value_of(expected[k].id));
                }
            }
            EXPECT_EQ(field.deleted, model.hidden(field.path)) << field.path;
        }
        const auto instances = model.instances();
        std::size_t seen = 0;
        for (const RepeatView& repeat : view.repeats) {
            for (std::size_t k = 0; k < repeat.instances.size(); ++k) {
                const InstanceView& inst = repeat.instances[k];
                ++seen;
                ASSERT_TRUE(instances.count(inst.path)) << inst.path;
                EXPECT_EQ(inst.status, model.status(inst.path)) << inst.path;
                EXPECT_EQ(inst.deleted, model.hidden(inst.path)) << inst.path;
                if (k > 0) {
                    EXPECT_LT(instances.at(repeat.instances[k - 1].path), instances.at(inst.path));
                }
            }
        }
        EXPECT_EQ(seen, instances.size());
    }

    // The same changesets merged again in another order, with duplicates, into a fresh
    // state give the same state.
    void check_replay(const Replica& r, const RecordState& state) {
        std::vector<std::size_t> mine;
        for (std::size_t i = 0; i < log_.size(); ++i)
            if (log_[i].header.record == state.id() && r.held_set.count(i)) mine.push_back(i);
        for (std::size_t i = mine.size(); i > 1; --i) std::swap(mine[i - 1], mine[rng_.below(i)]);
        if (!mine.empty()) mine.push_back(mine[rng_.below(mine.size())]);
        RecordState fresh(state.id());
        for (std::size_t i : mine) {
            // Values as the replica had them: its own changesets, or everything for readers.
            const bool own = r.author && log_[i].header.device == r.author->id();
            ASSERT_TRUE(fresh.apply(log_[i].header, r.reader || own ? values_[i] : Values{}));
        }
        EXPECT_EQ(fresh, state);
        EXPECT_EQ(record_digest(fresh), record_digest(state));
    }

    static RecordView without_values(RecordView v) {
        for (auto& f : v.fields)
            for (auto& c : f.candidates) c.value.reset();
        return v;
    }

    void check_same_sets_same_digests() {
        for (const RecordId& id : record_ids_) {
            for (std::size_t i = 0; i < replicas_.size(); ++i) {
                for (std::size_t j = i + 1; j < replicas_.size(); ++j) {
                    auto a = replicas_[i].records.find(id);
                    auto b = replicas_[j].records.find(id);
                    if (a == replicas_[i].records.end() || b == replicas_[j].records.end())
                        continue;
                    if (a->second.changesets() != b->second.changesets()) continue;
                    SCOPED_TRACE("replicas " + std::to_string(i) + " and " + std::to_string(j));
                    EXPECT_EQ(record_digest(a->second), record_digest(b->second));
                    EXPECT_EQ(without_values(make_view(a->second)),
                              without_values(make_view(b->second)));
                    if (replicas_[i].reader && replicas_[j].reader) {
                        EXPECT_EQ(make_view(a->second), make_view(b->second));
                    }
                }
            }
        }
    }

    void check_agreement() {
        StoreDigest first;
        for (std::size_t i = 0; i < replicas_.size(); ++i) {
            StoreDigest store;
            for (const auto& [id, state] : replicas_[i].records)
                store.add(id, record_digest(state));
            if (i == 0) first = store;
            EXPECT_EQ(store, first) << "replica " << i;
            EXPECT_EQ(replicas_[i].held.size(), log_.size());
        }
    }

    // The coordinator (replica 1), holding everything, settles every conflict it sees:
    // a value over the candidates, a keep or a delete over a delete conflict.
    void settle() {
        Replica& coordinator = replicas_[1];
        for (auto& [id, state] : coordinator.records) {
            const RecordView view = make_view(state);
            std::vector<Op> ops;
            if (view.status.conflict && rng_.chance(50)) {
                ops.push_back(delete_record_op(state));  // covers everything: nothing else
            } else {
                if (view.status.conflict) ops.push_back(keep_op(state, ""));
                settle_inside(state, view, ops);
            }
            if (ops.empty()) continue;
            Values values;
            for (const Op& op : ops) {
                values.push_back(op.kind == OpKind::set ? std::optional<std::string>("\"settled\"")
                                                        : std::nullopt);
            }
            Changeset cs = coordinator.author->write(id, std::move(ops));
            ASSERT_TRUE(state.apply(cs.header, values));
            log_.push_back(std::move(cs));
            values_.push_back(std::move(values));
            coordinator.held.push_back(log_.size() - 1);
            coordinator.held_set.insert(log_.size() - 1);
        }
    }

    // Instances in delete conflict are kept or deleted; fields outside deleted instances
    // get one value.
    void settle_inside(const RecordState& state, const RecordView& view, std::vector<Op>& ops) {
        std::vector<std::string> deleting;
        for (const auto& repeat : view.repeats) {
            for (const auto& inst : repeat.instances) {
                if (!inst.status.conflict) continue;
                if (rng_.chance(50)) {
                    ops.push_back(keep_op(state, inst.path));
                } else {
                    ops.push_back(delete_instance_op(state, inst.path));
                    deleting.push_back(inst.path);
                }
            }
        }
        for (const auto& field : view.fields) {
            if (!field.conflict() || field.deleted) continue;
            const bool inside_deleted =
                std::any_of(deleting.begin(), deleting.end(),
                            [&](const std::string& p) { return is_inside(field.path, p); });
            if (!inside_deleted) ops.push_back(set_op(state, field.path));
        }
    }

    // After the settlement reached everyone, nothing visible is in conflict.
    void check_settled() {
        for (std::size_t i = 0; i < replicas_.size(); ++i) {
            for (const auto& [id, state] : replicas_[i].records) {
                const RecordView v = make_view(state);
                EXPECT_FALSE(v.status.conflict) << "replica " << i;
                if (v.status.deleted) continue;
                for (const auto& f : v.fields) EXPECT_TRUE(!f.conflict() || f.deleted) << f.path;
                for (const auto& r : v.repeats)
                    for (const auto& inst : r.instances)
                        EXPECT_TRUE(!inst.status.conflict || inst.deleted) << inst.path;
            }
        }
    }

    void count_coverage() {
        coverage_.changesets += log_.size();
        for (const auto& [id, state] : replicas_[0].records) {
            const RecordView v = make_view(state);
            coverage_.deleted_records += v.status.deleted;
            coverage_.record_delete_conflicts += v.status.conflict;
            for (const auto& f : v.fields) coverage_.conflicts += f.conflict();
            for (const auto& r : v.repeats) {
                for (const auto& i : r.instances) {
                    ++coverage_.instances;
                    coverage_.deleted_instances += i.status.deleted;
                    coverage_.instance_delete_conflicts += i.status.conflict;
                }
            }
        }
    }

    SeededRandom rng_;
    Coverage& coverage_;
    std::vector<Replica> replicas_;
    std::vector<RecordId> record_ids_;
    std::vector<Changeset> log_;
    std::vector<Values> values_;
};

TEST(MergeConvergence, RandomSchedulesConverge) {
    const std::uint64_t single = env_number("CANVASS_PROPERTY_SEED", 0);
    const std::uint64_t first = single ? single : 1;
    const std::uint64_t last = single ? single : env_number("CANVASS_PROPERTY_SEEDS", 1000);
    Coverage coverage;
    for (std::uint64_t seed = first; seed <= last; ++seed) {
        SCOPED_TRACE("seed " + std::to_string(seed) + " (re-run only it: CANVASS_PROPERTY_SEED=" +
                     std::to_string(seed) + " property_tests --gtest_filter='MergeConvergence.*')");
        Simulation(seed, coverage).run();
        if (::testing::Test::HasFailure()) {
            std::cerr << "merge convergence failed at seed " << seed
                      << "; re-run it alone with CANVASS_PROPERTY_SEED=" << seed << "\n";
            return;
        }
    }
    std::cout << "seeds " << first << ".." << last << ": " << coverage.changesets
              << " changesets; after the full exchange: " << coverage.conflicts
              << " conflicting fields, " << coverage.deleted_records << " deleted records, "
              << coverage.record_delete_conflicts << " record delete conflicts, "
              << coverage.instances << " instances, " << coverage.deleted_instances << " deleted, "
              << coverage.instance_delete_conflicts << " in delete conflict\n";
    if (last - first >= 100) {  // a generator that stopped exercising a rule is a test bug
        EXPECT_GT(coverage.conflicts, 0u);
        EXPECT_GT(coverage.deleted_records, 0u);
        EXPECT_GT(coverage.record_delete_conflicts, 0u);
        EXPECT_GT(coverage.deleted_instances, 0u);
        EXPECT_GT(coverage.instance_delete_conflicts, 0u);
    }
}

}  // namespace
}  // namespace canvass::merge
