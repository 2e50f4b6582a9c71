package io.helixstack.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What must hold after processes were killed in the middle of deployments, whichever processes and wherever. */
final class FaultInvariants {
    /** The states a deployment ends in. */
    static final Set<String> SETTLED = Set.of("live", "superseded", "failed", "rolled_back");

    private FaultInvariants() {
    }

    /** Whether a deployment in {@code state} is at {@code point} of its lifecycle or past it. */
    static boolean reached(String state, String point) {
        List<String> order = List.of("queued", "building", "built", "deploying", "live");
        int at = order.indexOf(state);
        return at < 0 || at >= order.indexOf(point);
    }

    /**
     * Every deployment of the app is settled, a failed one with its reason, exactly one is live, none was promoted twice,
     * and each of {@code killed} has its request and an outcome among its events.
     *
     * @param deployments the app's deployments ({@code GET /applications/{app}/deployments})
     * @param events      the app's events ({@code GET /events?app=…}'s {@code events})
     * @param killedAt    deployment id → where it was when a process was killed, for the messages
     * @return the live deployment's id
     */
    static String check(JsonNode deployments, JsonNode events, Map<String, String> killedAt) {
        int live = 0;
        String liveId = null;
        for (JsonNode d : deployments) {
            String state = d.get("state").asText();
            assertThat(SETTLED).as(d.toString()).contains(state);
            if (state.equals("failed")) {
                assertThat(d.path("failure_reason").asText()).as("a failed deployment says why: " + d).isNotBlank();
            }
            if (state.equals("live")) {
                live++;
                liveId = d.get("id").asText();
            }
        }
        assertThat(live).as("exactly one live production deployment; kills " + killedAt).isEqualTo(1);
        Map<String, Integer> promotions = new HashMap<>();
        Map<String, Set<String>> typesOf = new HashMap<>();
        for (JsonNode e : events) {
            String deployment = e.get("deployment_id").asText();
            typesOf.computeIfAbsent(deployment, k -> new HashSet<>()).add(e.get("type").asText());
            if (e.get("type").asText().equals("deploy.promoted")) {
                promotions.merge(deployment, 1, Integer::sum);
            }
        }
        assertThat(promotions.values()).as("no deployment promoted twice; kills " + killedAt).allMatch(n -> n == 1);
        for (String id : killedAt.keySet()) {
            assertThat(typesOf.getOrDefault(id, Set.of())).as("events of " + id + " killed at " + killedAt.get(id))
                    .contains("deployment.production.requested")
                    .containsAnyOf("deploy.promoted", "deployment.failed");
        }
        return liveId;
    }
}
