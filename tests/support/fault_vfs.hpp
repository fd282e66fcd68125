// A SQLite VFS for tests that fails the disk on purpose: the Nth read, write, fsync, truncate
// or open from the moment it is armed, once or from then on, or every write once a number of
// bytes has been written (a disk filling up). It wraps the platform's VFS and registers itself
// as the default one while it lives, so every database the code under test opens goes through
// it unchanged. One at a time; the databases opened through it must be closed before it goes.
//
//   FaultVfs disk;
//   disk.arm(FaultVfs::Op::write, 3);  // the third write from now fails
//   auto saved = store.create_record(...);
//   disk.disarm();
#pragma once

#include <sqlite3.h>

#include <array>
#include <cstdint>
#include <stdexcept>

namespace canvass::testing {

class FaultVfs {
  public:
    enum class Op : std::uint8_t { read, write, sync, truncate, open };
    static constexpr std::array kOps{Op::read, Op::write, Op::sync, Op::truncate, Op::open};

    FaultVfs() {
        if (live_) throw std::logic_error("one FaultVfs at a time");
        real_ = sqlite3_vfs_find(nullptr);
        if (!real_) throw std::runtime_error("SQLite has no default VFS");
        vfs_ = *real_;
        vfs_.zName = "canvass-fault";
        vfs_.szOsFile = static_cast<int>(sizeof(File)) + real_->szOsFile;
        vfs_.pNext = nullptr;
        vfs_.xOpen = &FaultVfs::open;
        state_ = {};
        live_ = this;
        if (sqlite3_vfs_register(&vfs_, 1) != SQLITE_OK) {
            live_ = nullptr;
            throw std::runtime_error("cannot register the fault VFS");
        }
    }
    ~FaultVfs() {
        sqlite3_vfs_unregister(&vfs_);
        live_ = nullptr;
    }
    FaultVfs(const FaultVfs&) = delete;
    FaultVfs& operator=(const FaultVfs&) = delete;

    // The `nth` operation `op` from now on fails (1: the next one), and with `persistent` every
    // one after it too, until disarm().
    void arm(Op op, int nth, bool persistent = false) {
        state_ = {};
        state_.op = op;
        state_.countdown = nth;
        state_.persistent = persistent;
    }
    // Writes succeed while they add up to at most `bytes` from now on; every write after that
    // fails as on a full disk (SQLITE_FULL), until disarm().
    void fill_disk_after(std::int64_t bytes) {
        state_ = {};
        state_.budget = bytes;
    }
    void disarm() { state_ = {}; }
    // Whether a fault was given since the last arm() or fill_disk_after().
    bool fired() const { return state_.fired; }

  private:
    struct File {
        sqlite3_file base;   // what SQLite holds: its methods are the ones below
        sqlite3_file* real;  // the platform VFS's file, in the bytes after this struct
    };
    struct State {
        Op op = Op::read;
        int countdown = 0;  // 0: not armed
        bool persistent = false;
        bool fired = false;
        std::int64_t budget = -1;  // -1: no limit
    };

    // Counts one `op` and says whether it must fail.
    static bool fails(Op op) {
        State& s = live_->state_;
        if (s.countdown == 0 || s.op != op) return false;
        if (s.fired) return s.persistent;
        if (--s.countdown > 0) return false;
        s.fired = true;
        s.countdown = 1;  // stays armed: persistent faults keep failing
        return true;
    }
    static bool disk_full(int amount) {
        State& s = live_->state_;
        if (s.budget < 0) return false;
        if (s.budget < amount) {
            s.fired = true;
            s.budget = 0;
            return true;
        }
        s.budget -= amount;
        return false;
    }

    static sqlite3_file* real(sqlite3_file* f) { return reinterpret_cast<File*>(f)->real; }

    static int open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags,
                    int* out_flags) {
        auto* f = reinterpret_cast<File*>(file);
        f->base.pMethods = nullptr;
        f->real = reinterpret_cast<sqlite3_file*>(f + 1);
        f->real->pMethods = nullptr;
        if (fails(Op::open)) return SQLITE_CANTOPEN;
        sqlite3_vfs* under = live_->real_;
        int rc = under->xOpen(under, name, f->real, flags, out_flags);
        // SQLite closes a file whose methods are set, even when the open failed.
        if (f->real->pMethods) f->base.pMethods = &kMethods;
        return rc;
    }

    static int close(sqlite3_file* f) { return real(f)->pMethods->xClose(real(f)); }
    static int read(sqlite3_file* f, void* buf, int amount, sqlite3_int64 offset) {
        if (fails(Op::read)) return SQLITE_IOERR_READ;
        return real(f)->pMethods->xRead(real(f), buf, amount, offset);
    }
    static int write(sqlite3_file* f, const void* buf, int amount, sqlite3_int64 offset) {
        if (fails(Op::write)) return SQLITE_IOERR_WRITE;
        if (disk_full(amount)) return SQLITE_FULL;
        return real(f)->pMethods->xWrite(real(f), buf, amount, offset);
    }
    static int truncate(sqlite3_file* f, sqlite3_int64 size) {
        if (fails(Op::truncate)) return SQLITE_IOERR_TRUNCATE;
        return real(f)->pMethods->xTruncate(real(f), size);
    }
    static int sync(sqlite3_file* f, int flags) {
        if (fails(Op::sync)) return SQLITE_IOERR_FSYNC;
        return real(f)->pMethods->xSync(real(f), flags);
    }
    static int file_size(sqlite3_file* f, sqlite3_int64* size) {
        return real(f)->pMethods->xFileSize(real(f), size);
    }
    static int lock(sqlite3_file* f, int level) { return real(f)->pMethods->xLock(real(f), level); }
    static int unlock(sqlite3_file* f, int level) {
        return real(f)->pMethods->xUnlock(real(f), level);
    }
    static int check_reserved_lock(sqlite3_file* f, int* out) {
        return real(f)->pMethods->xCheckReservedLock(real(f), out);
    }
    static int file_control(sqlite3_file* f, int op, void* arg) {
        return real(f)->pMethods->xFileControl(real(f), op, arg);
    }
    static int sector_size(sqlite3_file* f) { return real(f)->pMethods->xSectorSize(real(f)); }
    static int device_characteristics(sqlite3_file* f) {
        return real(f)->pMethods->xDeviceCharacteristics(real(f));
    }
    static int shm_map(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
        return real(f)->pMethods->xShmMap(real(f), region, size, extend, out);
    }
    static int shm_lock(sqlite3_file* f, int offset, int n, int flags) {
        return real(f)->pMethods->xShmLock(real(f), offset, n, flags);
    }
    static void shm_barrier(sqlite3_file* f) { real(f)->pMethods->xShmBarrier(real(f)); }
    static int shm_unmap(sqlite3_file* f, int delete_flag) {
        return real(f)->pMethods->xShmUnmap(real(f), delete_flag);
    }
    // Memory-mapped reads would bypass read(): refused, so SQLite reads through xRead.
    static int fetch(sqlite3_file*, sqlite3_int64, int, void** out) {
        *out = nullptr;
        return SQLITE_OK;
    }
    static int unfetch(sqlite3_file*, sqlite3_int64, void*) { return SQLITE_OK; }

    static constexpr sqlite3_io_methods kMethods{
        3,
        &close,
        &read,
        &write,
        &truncate,
        &sync,
        &file_size,
        &lock,
        &unlock,
        &check_reserved_lock,
        &file_control,
        &sector_size,
        &device_characteristics,
        &shm_map,
        &shm_lock,
        &shm_barrier,
        &shm_unmap,
        &fetch,
        &unfetch,
    };

    static inline FaultVfs* live_ = nullptr;
    sqlite3_vfs* real_ = nullptr;
    sqlite3_vfs vfs_{};
    State state_;
};

}  // namespace canvass::testing
