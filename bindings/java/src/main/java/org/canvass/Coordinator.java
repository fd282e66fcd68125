package org.canvass;

import static org.canvass.Canvass.text;
import static org.canvass.Canvass.utf8;

/**
 * The project's coordinator key opened over a coordinator's {@link Store} (enrolled with a
 * coordinator token, after its sync): every device's answers decrypted, in the JSON shapes
 * canvass.h documents for canvass_coordinator_* (records as `canvass export --format jsonl`
 * writes them, conflicts as `canvass conflicts --key --json`, history as `canvass history
 * --json`). Results carry "unreadable", what could not be decrypted and why.
 *
 * <p>Open it with {@link Store#openCoordinator}; it uses its Store's handle, so calls run one
 * at a time with the Store's, and closing the Store closes it. The key's secret lives only in
 * native memory, wiped at {@link #close()}.
 */
public final class Coordinator implements AutoCloseable {
    private final Store store;
    private long handle;

    Coordinator(Store store, long handle) {
        this.store = store;
        this.handle = handle;
    }

    /** Creates a key file at `path` (mode 0600, never overwriting one) locked by `passphrase`.
     * Returns {public_key, signing_key}: public_key is what `canvass-server project create
     * --recipient` takes. */
    public static String createKey(String path, String passphrase) throws CanvassException {
        return text(Native.coordinatorKeyCreate(utf8(path), utf8(passphrase)));
    }

    /** The public halves of a key file, without its passphrase: {public_key, signing_key}. */
    public static String inspectKey(String path) throws CanvassException {
        return text(Native.coordinatorKeyInspect(utf8(path)));
    }

    /** Wipes the key. Idempotent. */
    @Override
    public void close() {
        synchronized (store) {
            if (handle != 0) Native.coordinatorClose(handle);
            handle = 0;
            store.forget(this);
        }
    }

    private long handle() {
        if (handle == 0) throw new IllegalStateException("this canvass Coordinator is closed");
        return handle;
    }

    /** Every record of `formId` (null: every form), decrypted: {records: [...], unreadable}. */
    public String records(String formId) throws CanvassException {
        synchronized (store) {
            return text(Native.coordinatorRecords(handle(), utf8(formId)));
        }
    }

    /** One record, with deleted, readable and conflict_list (its conflicts, open and resolved). */
    public String record(String recordId) throws CanvassException {
        synchronized (store) {
            return text(Native.coordinatorRecord(handle(), utf8(recordId)));
        }
    }

    /** Who changed which field of the record when, oldest first. */
    public String history(String recordId) throws CanvassException {
        synchronized (store) {
            return text(Native.coordinatorHistory(handle(), utf8(recordId)));
        }
    }

    /** People's names for devices, which the history then gives as each change's "label": the
     * JSON `canvass-server devices --json` prints, [{device, label}]. Replaces the names given
     * before; an entry that is wrong is {@link CanvassException#INVALID_ARGUMENT}. */
    public void labelDevices(String devicesJson) throws CanvassException {
        synchronized (store) {
            Native.coordinatorLabelDevices(handle(), utf8(devicesJson));
        }
    }

    /** Edits a finalized record step by step over the answers this key decrypts, as
     * {@link Store#editInterview} does for a record the store can read: what changed is saved
     * as one edit at {@link InterviewSession#finalizeInterview()}. Refused before the first
     * step when the store may not change the record or a changeset of it does not decrypt. */
    public InterviewSession edit(String recordId, String language) throws CanvassException {
        synchronized (store) {
            return store.opened(Native.coordinatorEdit(handle(), utf8(recordId), utf8(language)));
        }
    }

    /** The conflicts of `formId`'s records (null: every form), candidates decrypted; settled
     * ones too when `resolvedToo`: {conflicts: [...], unreadable}. */
    public String conflicts(String formId, boolean resolvedToo) throws CanvassException {
        synchronized (store) {
            return text(Native.coordinatorConflicts(handle(), utf8(formId), resolvedToo));
        }
    }

    /** Settles the conflict at `path` (or corrects that answer) with one JSON value, superseding
     * the decrypted values seen there; it syncs like any edit. */
    public void resolve(String recordId, String path, String valueJson) throws CanvassException {
        synchronized (store) {
            Native.coordinatorResolve(handle(), utf8(recordId), utf8(path), utf8(valueJson));
        }
    }

    /** The bytes of an attachment the record's answers reference, by the 64 hex digits of its
     * reference's "attachment"; {@link CanvassException#NOT_FOUND} until they have arrived. */
    public byte[] attachment(String recordId, String attachment) throws CanvassException {
        synchronized (store) {
            return Native.coordinatorAttachment(handle(), utf8(recordId), utf8(attachment));
        }
    }
}
