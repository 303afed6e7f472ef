-- wrk peer (bench/run): the raw loopback limit. The same form post of 10 fields as the curl
-- loop and the Node.js script, sent as fast as wrk can against nginx.
--   wrk -t2 -c16 -d10s -s bench/peers/post.lua http://127.0.0.1:PORT/post/bench/
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "firstname=Mike&lastname=Smith&email=mike.smith%40example.com" ..
           "&cellphone=5555555555&address1=12%20Ocean%20Ave&city=Santa%20Monica" ..
           "&state=CA&zip=90401&dob=1980-04-12&campaign=Fall%20mailer"
