package org.canvass;

/**
 * The JNI functions over canvass.h, one per C function. Text crosses as UTF-8 bytes, so
 * characters outside the Basic Multilingual Plane survive (JNI's own string functions use
 * "modified UTF-8", which is not UTF-8). Every failure is thrown as a CanvassException.
 */
final class Native {
    static {
        System.loadLibrary("canvass_jni");
    }

    private Native() {}

    static native byte[] version();

    static native long storeOpen(byte[] home, byte[] passphrase, boolean create) throws CanvassException;
    static native long storeOpenWithKey(byte[] home, byte[] key, boolean create) throws CanvassException;
    static native void storeClose(long store);

    static native void formAdd(long store, byte[] formJson) throws CanvassException;
    static native byte[] formsList(long store) throws CanvassException;

    static native byte[] recordCreate(long store, byte[] formId, byte[] answers, boolean finalize)
            throws CanvassException;
    static native void recordSaveDraft(long store, byte[] id, byte[] answers) throws CanvassException;
    static native void recordFinalize(long store, byte[] id) throws CanvassException;
    static native boolean recordEdit(long store, byte[] id, byte[] changes) throws CanvassException;
    static native void recordDelete(long store, byte[] id) throws CanvassException;
    static native byte[] recordGet(long store, byte[] id) throws CanvassException;
    static native byte[] recordsList(long store, byte[] formId) throws CanvassException;
    static native byte[] recordConflicts(long store, byte[] id) throws CanvassException;
    static native byte[] conflictsList(long store) throws CanvassException;
    static native void recordResolve(long store, byte[] id, byte[] path, byte[] value) throws CanvassException;

    static native byte[] status(long store) throws CanvassException;
    static native byte[] tokenInspect(byte[] token) throws CanvassException;
    /** `transport` null: canvass's own TCP to the token's address. */
    static native byte[] enroll(long store, byte[] token, byte[] fingerprint, Transport transport)
            throws CanvassException;
    /** `transport` null: canvass's own TCP; `progress` may be null. */
    static native byte[] sync(long store, Transport transport, SyncProgress progress) throws CanvassException;

    /** `language` null: the form's default (start), the draft's own (resume). */
    static native long interviewStart(long store, byte[] formId, byte[] language) throws CanvassException;
    static native long interviewResume(long store, byte[] recordId, byte[] language) throws CanvassException;
    static native long interviewEdit(long store, byte[] recordId, byte[] language) throws CanvassException;
    static native void interviewClose(long interview);
    static native byte[] interviewRecordId(long interview) throws CanvassException;
    static native byte[] interviewStep(long interview) throws CanvassException;
    static native byte[] interviewAnswer(long interview, byte[] value) throws CanvassException;
    static native byte[] interviewNext(long interview) throws CanvassException;
    static native byte[] interviewBack(long interview) throws CanvassException;
    static native byte[] interviewAddInstance(long interview) throws CanvassException;
    static native byte[] interviewRemoveInstance(long interview) throws CanvassException;
    static native byte[] interviewJump(long interview, int index) throws CanvassException;
    static native byte[] interviewJumpTo(long interview, byte[] name) throws CanvassException;
    static native byte[] interviewLanguage(long interview, byte[] language) throws CanvassException;
    static native byte[] interviewHierarchy(long interview) throws CanvassException;
    static native byte[] interviewFinalize(long interview) throws CanvassException;

    static native byte[] coordinatorKeyCreate(byte[] path, byte[] passphrase) throws CanvassException;
    static native byte[] coordinatorKeyInspect(byte[] path) throws CanvassException;
    static native long coordinatorOpen(long store, byte[] keyPath, byte[] passphrase) throws CanvassException;
    static native void coordinatorClose(long coordinator);
    static native byte[] coordinatorRecords(long coordinator, byte[] formId) throws CanvassException;
    static native byte[] coordinatorRecord(long coordinator, byte[] id) throws CanvassException;
    static native byte[] coordinatorHistory(long coordinator, byte[] id) throws CanvassException;
    static native void coordinatorLabelDevices(long coordinator, byte[] devicesJson) throws CanvassException;
    static native long coordinatorEdit(long coordinator, byte[] id, byte[] language) throws CanvassException;
    static native byte[] coordinatorConflicts(long coordinator, byte[] formId, boolean resolvedToo)
            throws CanvassException;
    static native void coordinatorResolve(long coordinator, byte[] id, byte[] path, byte[] value)
            throws CanvassException;
    static native byte[] coordinatorAttachment(long coordinator, byte[] id, byte[] attachment)
            throws CanvassException;
    static native void recordReview(long store, byte[] id, byte[] state, byte[] comment) throws CanvassException;
}
