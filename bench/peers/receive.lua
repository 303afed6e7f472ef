-- wrk load for the receive benchmark (bench/run): form posts of 10 fields to a dppbridge data
-- source, each a different contact with its own Idempotency-Key, so that every 200 is a new
-- contact committed to the store (a repeated key would only return the first contact).
--   wrk -t2 -c16 -d10s -s bench/peers/receive.lua http://127.0.0.1:PORT/post/<token>/ -- RUN
-- RUN (optional) goes into every key, so runs against one store never collide.
local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("tid", #threads)
end

function init(args)
   prefix = "bench-" .. (args[1] or "run") .. "-" .. tid .. "-"
   counter = 0
end

function request()
   counter = counter + 1
   local n = tid * 100000000 + counter
   local body = "firstname=Mike" .. n .. "&lastname=Smith&email=c" .. n .. "%40example.com" ..
                "&cellphone=555" .. string.format("%07d", n % 10000000) ..
                "&address1=12%20Ocean%20Ave&city=Santa%20Monica&state=CA&zip=90401" ..
                "&dob=1980-04-12&campaign=Fall%20mailer"
   return wrk.format("POST", nil, {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["Idempotency-Key"] = prefix .. counter,
   }, body)
end
