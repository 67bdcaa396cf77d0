// Mini program: the cloud environment id. Replace with your environment id before deploying (README: Deploy checklist).
export const CLOUD_ENV = 'tixing-local';
