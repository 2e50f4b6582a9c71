/**
 * A plane's contract served to other processes. Starting points: {@link io.helixstack.agent.AgentServer} (one POST per
 * operation behind a bearer token, problem documents for errors), {@link io.helixstack.agent.AgentClient} (calls it,
 * notices its process starting again).
 */
package io.helixstack.agent;
