export { freePort } from '../local-redis';
export {
  redisServerBinary,
  startRedisServer,
  uniquePrefix,
  type RedisServerHandle,
} from './redis-server';
