package org.canvass;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.Test;

/**
 * A whole interview of the waste pickers questionnaire as a phone app runs it, step by step
 * through the engine: a language switch, a refused answer in that language, skip logic seen
 * after a step back, two repeat instances added at the prompt, finalize; then the phone
 * enrolls and syncs with a real canvass-server and the coordinator's export shows what was
 * answered, repeat rows included.
 */
public class InterviewTest {
    static final String FORM = StoreTest.FORM;

    private static Map<String, Object> step(String json) {
        return Json.object(json);
    }

    private static String kind(Map<String, Object> step) {
        return (String) step.get("kind");
    }

    private static String name(Map<String, Object> step) {
        return (String) step.get("name");
    }

    /** The answer the respondent gives to this step: from the answers file, the repeat
     * instance's own for a question inside a repeat. */
    @SuppressWarnings("unchecked")
    private static Object given(Map<String, Object> answers, Map<String, Object> step) {
        List<Object> groups = (List<Object>) step.get("groups");
        Map<String, Object> at = answers;
        for (Object g : groups) {
            Map<String, Object> group = (Map<String, Object>) g;
            int instance = ((Double) group.get("instance")).intValue();
            if (instance == 0) continue;
            List<Object> instances = (List<Object>) at.get(group.get("name"));
            at = (Map<String, Object>) instances.get(instance - 1);
        }
        return at.get(name(step));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> row(Map<String, Object> form, String name) {
        for (Object o : (List<Object>) form.get("survey")) {
            Map<String, Object> r = (Map<String, Object>) o;
            if (name.equals(r.get("name"))) return r;
            if (r.containsKey("children")) {
                Map<String, Object> inner = row(Map.of("survey", r.get("children")), name);
                if (inner != null) return inner;
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static String french(Map<String, Object> form, String name, String column) {
        return (String) ((Map<String, Object>) row(form, name).get(column)).get("fr");
    }

    @Test
    @SuppressWarnings("unchecked")
    public void aWholeInterviewThenSyncAndTheCoordinatorExportsIt() throws Exception {
        Map<String, Object> form = Json.object(StoreTest.form());
        Map<String, Object> answers = Json.object(StoreTest.answers(0));
        try (Project project = new Project("schemas/forms/" + FORM + ".json");
             Store phone = Store.create(project.dir.resolve("phone").toString(), "phone passphrase")) {
            phone.enroll(project.token("collector"), project.fingerprint);

            String recordId;
            boolean sawOtherMaterial = false;
            boolean refused = false;
            int salesAdded = 0;
            try (InterviewSession iv = phone.startInterview(FORM, "en")) {
                assertThrows(CanvassException.class, iv::recordId);  // nothing saved yet
                Map<String, Object> s = step(iv.step());
                while (!"end".equals(kind(s))) {
                    String kind = kind(s);
                    String name = name(s);
                    if (kind.equals("note")) {
                        s = step(iv.next());
                    } else if (kind.equals("repeat_prompt")) {
                        int have = ((Double) s.get("instances")).intValue();
                        assertEquals("sales", name);
                        if (have < 2) {
                            s = step(iv.addInstance());
                            ++salesAdded;
                        } else {
                            s = step(iv.next());
                        }
                    } else if (name.equals("first_name") && "en".equals(s.get("language"))) {
                        // The respondent prefers French: labels and messages change at once.
                        s = step(iv.language("fr"));
                        assertEquals(french(form, "first_name", "label"), s.get("label"));
                        assertEquals("fr", s.get("language"));
                    } else if (name.equals("age") && !refused) {
                        CanvassException e = assertThrows(CanvassException.class, () -> iv.answer("7"));
                        assertEquals(CanvassException.INVALID_ARGUMENT, e.getCode());
                        assertEquals(CanvassException.DOMAIN_FORM, e.getDomain());
                        assertEquals(french(form, "age", "constraint_message"), e.getMessage());
                        assertNull(step(iv.step()).get("answer"));  // nothing changed
                        refused = true;
                    } else if (name.equals("materials") && !sawOtherMaterial) {
                        // "Other" asks what it is; going back and not choosing it skips that.
                        iv.answer("[\"pet\", \"other\"]");
                        s = step(iv.next());
                        assertEquals("material_other", name(s));
                        s = step(iv.back());
                        assertEquals("materials", name(s));
                        sawOtherMaterial = true;
                        iv.answer(Json.write(given(answers, s)));
                        s = step(iv.next());
                        assertEquals("equipment", name(s));
                    } else {
                        Object value = given(answers, s);
                        if (value != null) s = step(iv.answer(Json.write(value)));
                        s = step(iv.next());
                    }
                }
                assertTrue(refused && sawOtherMaterial);
                assertEquals(2, salesAdded);
                String hierarchy = iv.hierarchy();
                assertFalse(hierarchy.contains("\"material_other\""));
                assertTrue(hierarchy.contains("\"sale_kg\""));
                String done = iv.finalizeInterview();
                assertEquals("finalized", Json.object(done).get("outcome"));
                recordId = iv.recordId();
            }

            Map<String, Object> saved = Json.object(phone.record(recordId));
            assertEquals("finalized", saved.get("status"));
            Map<String, Object> got = (Map<String, Object>) saved.get("answers");
            assertEquals("Ramesh", got.get("first_name"));
            assertEquals(32.0, got.get("age"));
            assertEquals(2, ((List<?>) got.get("sales")).size());
            assertEquals(2, ((List<?>) got.get("children")).size());
            assertFalse(got.containsKey("material_other"));

            String result = phone.sync(null);
            assertEquals(1.0, Json.object(result).get("acknowledged"));

            project.cli("enroll", project.token("coordinator"));
            project.cli("sync");
            Path out = project.dir.resolve("export");
            project.cli("export", "--key", project.key.toString(), "--form", FORM, "--format", "csv", "--out",
                    out.toString());
            String main = Project.read(out.resolve(FORM + ".csv"));
            assertTrue(main, main.contains("uuid:" + recordId) && main.contains("Ramesh"));
            Path salesFile = out.resolve(FORM + "-sales.csv");
            assertTrue("no " + salesFile, Files.exists(salesFile));
            String sales = Project.read(salesFile);
            long salesRows = sales.lines().filter(l -> l.contains("uuid:" + recordId + "/")).count();
            assertEquals(sales, 2, salesRows);
        }
    }
}
