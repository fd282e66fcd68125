package org.canvass;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/** A store as an app uses it, with no server: forms, drafts, finalized records, edits, and
 * the errors an app must tell apart. */
public class StoreTest {
    static final String FORM = "waste_pickers";
    private Path dir;

    @Before
    public void makeDir() throws Exception {
        dir = Files.createTempDirectory("canvass-java-store-");
    }

    @After
    public void removeDir() throws Exception {
        try (var walk = Files.walk(dir)) {
            walk.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
        }
    }

    static String form() throws Exception {
        return Project.read(Project.source("schemas/forms/" + FORM + ".json"));
    }

    static String answers(int line) throws Exception {
        return Files.readAllLines(Project.source("schemas/forms/" + FORM + ".answers.jsonl")).get(line);
    }

    @Test
    public void theLibraryHasAVersion() {
        assertTrue(Canvass.version().matches("\\d+\\.\\d+\\.\\d+"));
    }

    @Test
    public void recordsAreSavedFinalizedEditedAndReadBack() throws Exception {
        String home = dir.resolve("device").toString();
        String id;
        try (Store store = Store.create(home, "a phone passphrase")) {
            store.addForm(form());
            assertTrue(store.forms().contains("\"form_id\":\"" + FORM + "\""));

            // A draft may leave required questions out; finalizing names what is missing.
            String draft = store.createRecord(FORM, "{\"age\": 40}", false);
            assertEquals(36, draft.length());
            CanvassException missing = assertThrows(CanvassException.class, () -> store.finalizeRecord(draft));
            assertEquals(CanvassException.INVALID_ARGUMENT, missing.getCode());
            assertTrue(missing.getMessage(), missing.getMessage().contains("first_name"));
            store.saveDraft(draft, answers(1));
            store.finalizeRecord(draft);

            id = store.createRecord(FORM, answers(0), true);
            // Text outside the Basic Multilingual Plane survives the trip both ways.
            assertTrue(store.editRecord(id, "{\"first_name\": \"Ramesh \uD83C\uDF0D\", \"age\": 33}"));
            assertFalse(store.editRecord(id, "{\"age\": 33}"));
            String record = store.record(id);
            assertTrue(record, record.contains("\"first_name\":\"Ramesh \uD83C\uDF0D\""));
            assertTrue(record, record.contains("\"age\":33"));
            assertEquals("[]", store.conflicts(id));
            assertEquals("[]", store.allConflicts());

            // A refused answer changes nothing, with the form's message.
            CanvassException refused = assertThrows(CanvassException.class,
                    () -> store.editRecord(id, "{\"age\": 7}"));
            assertEquals(CanvassException.INVALID_ARGUMENT, refused.getCode());
            assertEquals(CanvassException.DOMAIN_FORM, refused.getDomain());
            assertTrue(store.record(id).contains("\"age\":33"));

            String list = store.records(FORM);
            assertTrue(list.contains(id) && list.contains(draft));
            String status = store.status();
            assertTrue(status, status.contains("\"finalized\":2") && status.contains("\"unsent_changesets\":3"));
            assertTrue(status, status.contains("\"project\":null"));
            store.deleteRecord(draft);
            assertTrue(store.record(draft).contains("\"deleted\""));
        }
        try (Store again = Store.open(home, "a phone passphrase")) {
            assertTrue(again.record(id).contains("\"age\":33"));
        }
    }

    @Test
    public void errorsCarryTheirCodeAndDomain() throws Exception {
        String home = dir.resolve("device").toString();
        Store.create(home, "right").close();
        CanvassException wrong = assertThrows(CanvassException.class, () -> Store.open(home, "wrong"));
        assertEquals(CanvassException.WRONG_KEY, wrong.getCode());
        assertEquals(CanvassException.DOMAIN_CRYPTO, wrong.getDomain());
        CanvassException exists = assertThrows(CanvassException.class, () -> Store.create(home, "right"));
        assertEquals(CanvassException.ALREADY_EXISTS, exists.getCode());
        assertEquals(CanvassException.DOMAIN_STORE, exists.getDomain());
        assertEquals(exists.getCode(), exists.getDomainCode());

        Store store = Store.open(home, "right");
        try {
            CanvassException json = assertThrows(CanvassException.class, () -> store.addForm("{\"settings\": "));
            assertEquals(CanvassException.DOMAIN_FORM, json.getDomain());
            CanvassException nul = assertThrows(CanvassException.class,
                    () -> store.record("5b1f9a6e-2c4d-4e8f-9a0b-1c2d3e4f5a6b\u0000"));
            assertEquals(CanvassException.INVALID_ARGUMENT, nul.getCode());
            CanvassException unknown = assertThrows(CanvassException.class,
                    () -> store.record("5b1f9a6e-2c4d-4e8f-9a0b-1c2d3e4f5a6b"));
            assertEquals(CanvassException.NOT_FOUND, unknown.getCode());
            CanvassException notEnrolled = assertThrows(CanvassException.class, () -> store.sync(null));
            assertEquals(CanvassException.NOT_FOUND, notEnrolled.getCode());
            assertTrue(notEnrolled.getMessage().contains("not enrolled"));
            CanvassException token = assertThrows(CanvassException.class, () -> Canvass.inspectToken("canvass1-abc"));
            assertEquals(CanvassException.DOMAIN_AUTH, token.getDomain());
        } finally {
            store.close();
        }
        assertThrows(IllegalStateException.class, store::status);
        store.close();  // twice is fine
    }

    @Test
    public void aStoreLockedByARawKeyOpensOnlyWithThatKey() throws Exception {
        String home = dir.resolve("keyed").toString();
        byte[] key = new byte[32];
        for (int i = 0; i < key.length; ++i) key[i] = (byte) (i * 11 + 3);
        try (Store store = Store.createWithKey(home, key)) {
            store.addForm(form());
        }
        byte[] other = key.clone();
        other[5] ^= 1;
        CanvassException wrong = assertThrows(CanvassException.class, () -> Store.openWithKey(home, other));
        assertEquals(CanvassException.WRONG_KEY, wrong.getCode());
        CanvassException shortKey = assertThrows(CanvassException.class,
                () -> Store.openWithKey(home, new byte[16]));
        assertEquals(CanvassException.INVALID_ARGUMENT, shortKey.getCode());
        try (Store store = Store.openWithKey(home, key)) {
            assertNotEquals("[]", store.forms());
        }
    }
}
