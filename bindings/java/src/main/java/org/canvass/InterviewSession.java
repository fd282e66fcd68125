package org.canvass;

import static org.canvass.Canvass.text;
import static org.canvass.Canvass.utf8;

/**
 * One interview of one record, driven step by step as a screen would: the current step as
 * JSON ({kind: question | note | repeat_prompt | end, name, type, label, hint, choices,
 * answer, required, groups, progress: {position, total}, language, ...}), answers as JSON
 * values, checked as they are given and saved to the encrypted draft at once. Skip logic,
 * constraints, choice filters and repeats are the engine's: the app only renders steps.
 *
 * <p>Opened with {@link Store#startInterview}, {@link Store#resumeInterview} or
 * {@link Store#editInterview}; it uses its Store throughout (calls take the Store's lock),
 * and closing the Store closes it. A refused answer or move throws a CanvassException
 * (DOMAIN_FORM, INVALID_ARGUMENT) with the form's message in the interview's language, and
 * changes nothing. Every move returns the step it leads to.
 */
public final class InterviewSession implements AutoCloseable {
    private final Store store;
    private long handle;

    InterviewSession(Store store, long handle) {
        this.store = store;
        this.handle = handle;
    }

    private long handle() {
        if (handle == 0) throw new IllegalStateException("this interview is closed");
        return handle;
    }

    /** The current step. */
    public String step() throws CanvassException {
        synchronized (store) {
            return text(Native.interviewStep(handle()));
        }
    }

    /** Answers the current question with a JSON value ("null" clears it). */
    public String answer(String valueJson) throws CanvassException {
        synchronized (store) {
            return text(Native.interviewAnswer(handle(), utf8(valueJson)));
        }
    }

    /** To the next step; refused while the current question is required and empty. At a
     * repeat prompt it means "no more". */
    public String next() throws CanvassException {
        synchronized (store) {
            return text(Native.interviewNext(handle()));
        }
    }

    /** To the previous step. */
    public String back() throws CanvassException {
        synchronized (store) {
            return text(Native.interviewBack(handle()));
        }
    }

    /** At a repeat prompt: one more instance, at its first step. */
    public String addInstance() throws CanvassException {
        synchronized (store) {
            return text(Native.interviewAddInstance(handle()));
        }
    }

    /** Removes the repeat instance the current step is in. */
    public String removeInstance() throws CanvassException {
        synchronized (store) {
            return text(Native.interviewRemoveInstance(handle()));
        }
    }

    /** To step `index` of {@link #hierarchy()} (its length: the end). */
    public String jump(int index) throws CanvassException {
        synchronized (store) {
            return text(Native.interviewJump(handle(), index));
        }
    }

    /** To the question, note or repeat named `name`. */
    public String jumpTo(String name) throws CanvassException {
        synchronized (store) {
            return text(Native.interviewJumpTo(handle(), utf8(name)));
        }
    }

    /** Labels and messages in `language` from now on, kept with the draft. */
    public String language(String language) throws CanvassException {
        synchronized (store) {
            return text(Native.interviewLanguage(handle(), utf8(language)));
        }
    }

    /** Every step for the answers now, with its answer (a "go to" list). */
    public String hierarchy() throws CanvassException {
        synchronized (store) {
            return text(Native.interviewHierarchy(handle()));
        }
    }

    /** The record's id; NOT_FOUND before the first answer is saved. */
    public String recordId() throws CanvassException {
        synchronized (store) {
            return text(Native.interviewRecordId(handle()));
        }
    }

    /** Finalizes (or saves the edit): {outcome, record_id}; refused naming every missing
     * required answer. */
    public String finalizeInterview() throws CanvassException {
        synchronized (store) {
            return text(Native.interviewFinalize(handle()));
        }
    }

    /** Ends the session; the draft stays saved. Idempotent. */
    @Override
    public void close() {
        synchronized (store) {
            if (handle != 0) {
                Native.interviewClose(handle);
                store.forget(this);
            }
            handle = 0;
        }
    }
}
