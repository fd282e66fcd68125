package org.canvass;

import static org.canvass.Canvass.text;
import static org.canvass.Canvass.utf8;

import java.util.ArrayList;
import java.util.List;

/**
 * A device store: one encrypted database in a directory of the app's own files, holding the
 * device's keys, its forms and its records. JSON crosses as strings, in the shapes canvass.h
 * documents (answers as in docs/forms.md, records as `canvass show --json`).
 *
 * <p>Methods are synchronized: a Store may be shared between threads, and calls on it run one
 * at a time. Enrollment and sync block for as long as they take; run them on a background
 * thread with a Store of their own so the interface keeps reading from its Store meanwhile
 * (a write that waits more than 5 s for the other fails with {@link CanvassException#BUSY}).
 * Close it (try-with-resources): a closed Store refuses every call with IllegalStateException.
 */
public final class Store implements AutoCloseable {
    private long handle;
    private final List<InterviewSession> interviews = new ArrayList<>();
    private final List<Coordinator> coordinators = new ArrayList<>();

    private Store(long handle) {
        this.handle = handle;
    }

    /** Creates a store in `home` (created if missing) locked by `passphrase` (Argon2id). */
    public static Store create(String home, String passphrase) throws CanvassException {
        return new Store(Native.storeOpen(utf8(home), utf8(passphrase), true));
    }

    /** Opens the store in `home`; a wrong passphrase is {@link CanvassException#WRONG_KEY}. */
    public static Store open(String home, String passphrase) throws CanvassException {
        return new Store(Native.storeOpen(utf8(home), utf8(passphrase), false));
    }

    /** Creates a store locked by a raw 32-byte key, for apps that keep it in the platform
     * keystore. The key is copied; wipe your own copy. */
    public static Store createWithKey(String home, byte[] key) throws CanvassException {
        return new Store(Native.storeOpenWithKey(utf8(home), key, true));
    }

    /** Opens a store locked by a raw 32-byte key. */
    public static Store openWithKey(String home, byte[] key) throws CanvassException {
        return new Store(Native.storeOpenWithKey(utf8(home), key, false));
    }

    /** Closes the store, and first every interview and coordinator still open on it. Idempotent. */
    @Override
    public synchronized void close() {
        for (InterviewSession s : new ArrayList<>(interviews)) s.close();
        for (Coordinator c : new ArrayList<>(coordinators)) c.close();
        if (handle != 0) Native.storeClose(handle);
        handle = 0;
    }

    synchronized void forget(InterviewSession session) {
        interviews.remove(session);
    }

    synchronized void forget(Coordinator coordinator) {
        coordinators.remove(coordinator);
    }

    /** Opens the project's coordinator key file over this store, to read every device's answers;
     * a wrong passphrase is {@link CanvassException#WRONG_KEY}. */
    public synchronized Coordinator openCoordinator(String keyPath, String passphrase) throws CanvassException {
        Coordinator c = new Coordinator(this, Native.coordinatorOpen(handle(), utf8(keyPath), utf8(passphrase)));
        coordinators.add(c);
        return c;
    }

    InterviewSession opened(long interview) {
        InterviewSession s = new InterviewSession(this, interview);
        interviews.add(s);
        return s;
    }

    /** A new interview of `formId` (its newest version); `language` null: the form's default.
     * Its draft is created at the first answer. */
    public synchronized InterviewSession startInterview(String formId, String language) throws CanvassException {
        return opened(Native.interviewStart(handle(), utf8(formId), utf8(language)));
    }

    /** Resumes a draft after its last answer; `language` null: the draft's own. */
    public synchronized InterviewSession resumeInterview(String recordId, String language) throws CanvassException {
        return opened(Native.interviewResume(handle(), utf8(recordId), utf8(language)));
    }

    /** Edits a finalized record step by step: what changed is saved as one edit at
     * {@link InterviewSession#finalizeInterview()}. */
    public synchronized InterviewSession editInterview(String recordId, String language) throws CanvassException {
        return opened(Native.interviewEdit(handle(), utf8(recordId), utf8(language)));
    }

    private long handle() {
        if (handle == 0) throw new IllegalStateException("this canvass Store is closed");
        return handle;
    }

    /** Installs a form (JSON text); every problem it has is in the exception's message. */
    public synchronized void addForm(String formJson) throws CanvassException {
        Native.formAdd(handle(), utf8(formJson));
    }

    /** The installed forms: [{form_id, version, title, questions, languages}]. */
    public synchronized String forms() throws CanvassException {
        return text(Native.formsList(handle()));
    }

    /** Saves answers as a new record of `formId`, a draft or finalized; returns its id. Invalid
     * answers save nothing. */
    public synchronized String createRecord(String formId, String answersJson, boolean finalize)
            throws CanvassException {
        return text(Native.recordCreate(handle(), utf8(formId), utf8(answersJson), finalize));
    }

    /** Replaces a draft's answers. */
    public synchronized void saveDraft(String recordId, String answersJson) throws CanvassException {
        Native.recordSaveDraft(handle(), utf8(recordId), utf8(answersJson));
    }

    /** Finalizes a draft: its answers become one changeset, ready to sync. */
    public synchronized void finalizeRecord(String recordId) throws CanvassException {
        Native.recordFinalize(handle(), utf8(recordId));
    }

    /** Edits a finalized record with only the fields to change; false if nothing differed. */
    public synchronized boolean editRecord(String recordId, String changesJson) throws CanvassException {
        return Native.recordEdit(handle(), utf8(recordId), utf8(changesJson));
    }

    /** Deletes a record (a draft is erased; a finalized record gets a delete that syncs). */
    public synchronized void deleteRecord(String recordId) throws CanvassException {
        Native.recordDelete(handle(), utf8(recordId));
    }

    /** One record: {id, form, status, conflicts, updated, form_version, readable, answers, ...}. */
    public synchronized String record(String recordId) throws CanvassException {
        return text(Native.recordGet(handle(), utf8(recordId)));
    }

    /** Record summaries, of `formId` only unless it is null. */
    public synchronized String records(String formId) throws CanvassException {
        return text(Native.recordsList(handle(), utf8(formId)));
    }

    /** A finalized record's open conflicts: [{record, form, path, conflict, resolved,
     * candidates: [{kind, value, text, readable, device, time, shown}]}], as canvass.h's
     * canvass_record_conflicts gives them. */
    public synchronized String conflicts(String recordId) throws CanvassException {
        return text(Native.recordConflicts(handle(), utf8(recordId)));
    }

    /** Every record's open conflicts, as one array of the objects conflicts() gives. */
    public synchronized String allConflicts() throws CanvassException {
        return text(Native.conflictsList(handle()));
    }

    /** Settles the conflict at `path` with one JSON value superseding every candidate. */
    public synchronized void resolve(String recordId, String path, String valueJson) throws CanvassException {
        Native.recordResolve(handle(), utf8(recordId), utf8(path), utf8(valueJson));
    }

    /** Sets a record's review as ODK Central's states: "approved", "hasIssues", "rejected", or
     * "none" to clear it, with a comment (or null). Only a coordinator that did not create the
     * record may; it syncs like any edit. */
    public synchronized void review(String recordId, String state, String comment) throws CanvassException {
        Native.recordReview(handle(), utf8(recordId), utf8(state), utf8(comment));
    }

    /** What the device holds and what waits to sync: the keys of `canvass status --json`. */
    public synchronized String status() throws CanvassException {
        return text(Native.status(handle()));
    }

    /** Joins a project with a token over canvass's own TCP; `fingerprint` (or null) is the
     * project fingerprint the coordinator gave out. Returns {project, role, device, server,
     * fingerprint, forms_installed}. */
    public synchronized String enroll(String token, String fingerprint) throws CanvassException {
        return text(Native.enroll(handle(), utf8(token), utf8(fingerprint), null));
    }

    /** The same over a connection the app opened to the token's address; canvass closes it. */
    public synchronized String enroll(String token, String fingerprint, Transport transport)
            throws CanvassException {
        if (transport == null) throw new NullPointerException("transport");
        return text(Native.enroll(handle(), utf8(token), utf8(fingerprint), transport));
    }

    /** One sync with the project's server over canvass's own TCP; `progress` may be null.
     * Returns {sent, acknowledged, received, stored, forms_installed, equivocations, ...}. */
    public synchronized String sync(SyncProgress progress) throws CanvassException {
        return text(Native.sync(handle(), null, progress));
    }

    /** The same over a connection the app opened to the server; canvass closes it. */
    public synchronized String sync(Transport transport, SyncProgress progress) throws CanvassException {
        if (transport == null) throw new NullPointerException("transport");
        return text(Native.sync(handle(), transport, progress));
    }
}
