"""Swift 2.30's own MemcacheRing and tempauth (Debian's python3-swift), driven from Berth's tests.

    swift_memcache.py SERVERS          reads commands from stdin, one per line, tab-separated:
        set KEY JSON TTL               MemcacheRing.set(KEY, json.loads(JSON), time=TTL); prints OK
        get KEY                        prints json.dumps(MemcacheRing.get(KEY)) ("null" when absent)
        token ACCOUNT:USER KEY         a token from Swift's tempauth (GET /auth/v1.0) with the ring as
                                       swift.cache; prints STATUS TOKEN
        check TOKEN ACCOUNT            Swift's tempauth on GET /v1/AUTH_ACCOUNT with X-Auth-Token TOKEN
                                       in front of an app that calls swift.authorize
                                       and answers 204; prints the status
SERVERS is memcache_servers as Swift's memcache middleware reads it. tempauth's users are
user_test_tester = testing .admin and user_test2_tester2 = testing2.
"""
import json
import sys

from swift.common.memcached import MemcacheRing
from swift.common.middleware.tempauth import TempAuth
from swift.common.swob import Request, Response


def app(env, start_response):
    # As Swift's proxy does: tempauth leaves the decision to swift.authorize, which the app calls.
    authorize = env.get('swift.authorize')
    denied = authorize(Request(env)) if authorize else None
    return (denied or Response(status=204))(env, start_response)


def main():
    ring = MemcacheRing([s.strip() for s in sys.argv[1].split(',') if s.strip()])
    auth = TempAuth(app, {'user_test_tester': 'testing .admin', 'user_test2_tester2': 'testing2',
                          'token_life': '3600'})
    for line in sys.stdin:
        words = line.rstrip('\n').split('\t')
        if words[0] == 'set':
            ring.set(words[1], json.loads(words[2]), time=float(words[3]))
            print('OK')
        elif words[0] == 'get':
            print(json.dumps(ring.get(words[1])))
        elif words[0] == 'token':
            req = Request.blank('/auth/v1.0', environ={'swift.cache': ring},
                                headers={'X-Auth-User': words[1], 'X-Auth-Key': words[2]})
            resp = req.get_response(auth)
            print(resp.status_int, resp.headers.get('X-Auth-Token'))
        elif words[0] == 'check':
            req = Request.blank('/v1/AUTH_' + words[2], environ={'swift.cache': ring},
                                headers={'X-Auth-Token': words[1]})
            print(req.get_response(auth).status_int)
        else:
            raise SystemExit('unknown command: %r' % words[0])
        sys.stdout.flush()


if __name__ == '__main__':
    main()
