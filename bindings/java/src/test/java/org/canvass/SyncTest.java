package org.canvass;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.Test;

/** Enrollment and sync with a real canvass-server, over canvass's TCP and over the app's own
 * socket; the coordinator's export (the command line with the project key) showing what the
 * phones answered, and a coordinator's app reading, settling and reviewing it through
 * {@link Coordinator}. */
public class SyncTest {
    static final String FORM = StoreTest.FORM;

    /** The app's own socket, counting what crosses it. */
    static final class CountingTransport implements Transport {
        final Transport inner;
        long sent, received;
        int closes;

        CountingTransport(Transport inner) {
            this.inner = inner;
        }

        @Override
        public void send(byte[] data, int length) throws IOException {
            inner.send(data, length);
            sent += length;
        }

        @Override
        public int receive(byte[] buffer) throws IOException {
            int n = inner.receive(buffer);
            if (n > 0) received += n;
            return n;
        }

        @Override
        public void close() throws IOException {
            ++closes;
            inner.close();
        }
    }

    static String field(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\"\\s*:\\s*\"?([^\",}]*)").matcher(json);
        return m.find() ? m.group(1) : null;
    }

    @Test
    public void phonesEnrollAndSyncAndTheCoordinatorExportsWhatWasAnswered() throws Exception {
        try (Project project = new Project("schemas/forms/" + FORM + ".json")) {
            String token = project.token("collector");
            String info = Canvass.inspectToken(token);
            assertEquals(Project.NAME, field(info, "project"));
            assertEquals("collector", field(info, "role"));
            assertEquals(project.address, field(info, "address"));

            String recordId;
            try (Store phone = Store.create(project.dir.resolve("phone").toString(), "phone passphrase")) {
                CanvassException other = assertThrows(CanvassException.class,
                        () -> phone.enroll(token, "0000 0000 0000 0000"));
                assertEquals(CanvassException.PERMISSION_DENIED, other.getCode());
                assertEquals(CanvassException.DOMAIN_AUTH, other.getDomain());
                String enrolled = phone.enroll(token, project.fingerprint.substring(0, 16));
                assertTrue(enrolled, enrolled.contains("\"form_id\":\"" + FORM + "\""));
                assertEquals("collector", field(enrolled, "role"));

                recordId = phone.createRecord(FORM, StoreTest.answers(0), true);
                assertTrue(phone.editRecord(recordId, "{\"first_name\": \"Lakshmi\"}"));
                List<String> progress = new ArrayList<>();
                String result = phone.sync(progress::add);
                assertEquals("2", field(result, "sent"));
                assertEquals("2", field(result, "acknowledged"));
                assertFalse(progress.isEmpty());
                assertTrue(progress.get(progress.size() - 1).contains("\"acknowledged\":"));
                assertEquals("0", field(phone.status(), "unsent_changesets"));
                assertEquals(Project.NAME, field(phone.status(), "project"));

                // A token works once.
                try (Store thief = Store.create(project.dir.resolve("thief").toString(), "x")) {
                    CanvassException used = assertThrows(CanvassException.class, () -> thief.enroll(token, null));
                    assertEquals(CanvassException.DOMAIN_AUTH, used.getDomain());
                }
            }

            String tabletToken = project.token("collector");
            try (Store tablet = Store.create(project.dir.resolve("tablet").toString(), "tablet passphrase")) {
                CountingTransport link = new CountingTransport(
                        SocketTransport.connect(field(Canvass.inspectToken(tabletToken), "address"), 30000, 60000));
                tablet.enroll(tabletToken, project.fingerprint, link);
                assertEquals(1, link.closes);
                assertTrue(link.sent > 0 && link.received > 0);

                tablet.createRecord(FORM, StoreTest.answers(1), true);
                // A connection that breaks mid-way: a net error naming what the socket threw.
                Transport broken = new Transport() {
                    @Override
                    public void send(byte[] data, int length) throws IOException {
                        throw new IOException("radio switched off");
                    }

                    @Override
                    public int receive(byte[] buffer) throws IOException {
                        throw new IOException("radio switched off");
                    }

                    @Override
                    public void close() {}
                };
                CanvassException cut = assertThrows(CanvassException.class, () -> tablet.sync(broken, null));
                assertEquals(CanvassException.DOMAIN_NET, cut.getDomain());
                assertTrue(cut.getMessage(), cut.getMessage().contains("radio switched off"));
                assertEquals("1", field(tablet.status(), "unsent_changesets"));

                link = new CountingTransport(SocketTransport.connect(field(tablet.status(), "server"), 30000, 60000));
                String result = tablet.sync(link, null);
                assertEquals("1", field(result, "sent"));
                assertEquals("1", field(result, "acknowledged"));
                assertEquals(1, link.closes);
            }

            project.cli("enroll", project.token("coordinator"));
            project.cli("sync");
            String out = project.dir.resolve("export").toString();
            project.cli("export", "--key", project.key.toString(), "--form", FORM, "--format", "csv", "--out", out);
            String csv = Project.read(project.dir.resolve("export").resolve(FORM + ".csv"));
            String[] rows = csv.split("\n");
            String edited = null;
            for (String row : rows) {
                if (row.contains("uuid:" + recordId)) edited = row;
            }
            assertTrue("no row for " + recordId + " in\n" + csv, edited != null);
            assertTrue(edited, edited.contains("Lakshmi"));
            assertFalse(edited, edited.contains("Ramesh"));
            String tabletName = field(StoreTest.answers(1), "first_name");
            assertTrue(csv.contains(tabletName));
            assertEquals(3, rows.length);  // the header and one row per phone's record

            // A coordinator's app reads the same with the project key, settles and reviews.
            try (Store desk = Store.create(project.dir.resolve("desk").toString(), "desk passphrase")) {
                desk.enroll(project.token("coordinator"), project.fingerprint);
                desk.sync(null);
                CanvassException wrong = assertThrows(CanvassException.class,
                        () -> desk.openCoordinator(project.key.toString(), "not the passphrase"));
                assertEquals(CanvassException.WRONG_KEY, wrong.getCode());
                try (Coordinator c = desk.openCoordinator(project.key.toString(), Project.PASSPHRASE)) {
                    String records = c.records(FORM);
                    assertTrue(records, records.contains("\"Lakshmi\"") && records.contains(tabletName));
                    assertFalse(records, records.contains("Ramesh"));
                    assertTrue(records, records.contains("\"no_grant\":[]"));
                    String history = c.history(recordId);
                    assertTrue(history, history.contains("\"path\":\"first_name\""));
                    assertTrue(history, history.contains("\"value\":\"Lakshmi\"")
                            && history.contains("\"value\":\"Ramesh\""));
                    c.resolve(recordId, "first_name", "\"Lakshmi Devi\"");
                    assertTrue(c.record(recordId).contains("\"Lakshmi Devi\""));
                    // The devices named: the history labels each change with its person.
                    Matcher author = Pattern.compile("\"device\":\"([0-9a-f]{32})\"").matcher(history);
                    assertTrue(history, author.find());
                    c.labelDevices("[{\"device\":\"" + author.group(1) + "\",\"label\":\"Asha's tablet\"}]");
                    assertTrue(c.history(recordId).contains("\"label\":\"Asha's tablet\""));
                    CanvassException badLabels = assertThrows(CanvassException.class,
                            () -> c.labelDevices("[{\"label\":\"no device\"}]"));
                    assertEquals(CanvassException.INVALID_ARGUMENT, badLabels.getCode());
                    // An edit over the decrypted answers: refused without the key, one
                    // changeset of what changed with it.
                    CanvassException sealed = assertThrows(CanvassException.class,
                            () -> desk.editInterview(recordId, null));
                    assertEquals(CanvassException.WRONG_KEY, sealed.getCode());
                    try (InterviewSession edit = c.edit(recordId, null)) {
                        String step = edit.jumpTo("first_name");
                        assertTrue(step, step.contains("Lakshmi Devi"));
                        edit.answer("\"Lakshmi D.\"");
                        edit.finalizeInterview();
                    }
                    assertTrue(c.record(recordId).contains("\"Lakshmi D.\""));
                    desk.review(recordId, "approved", "called back to check");
                    assertTrue(c.records(FORM).contains("\"review_state\":\"approved\""));
                    assertTrue(c.conflicts(FORM, false).contains("\"conflicts\":[]"));
                }
                assertEquals(64, field(Coordinator.inspectKey(project.key.toString()), "public_key").length());
            }
        }
    }
}
