// Fixed test secrets: the services check them exactly as in production, only the values are known.
export const TEST_GATEWAY_SECRET = 'system-test-gateway-secret-0123456789';
export const TEST_EVENTS_SECRET = 'system-test-events-secret-0123456789a';
