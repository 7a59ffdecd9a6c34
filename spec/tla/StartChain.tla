----------------------------- MODULE StartChain -----------------------------
(***************************************************************************)
(* Thread starts for the platform-thread blocking path, off the            *)
(* submitter's path (io.smolscale.impl.StartChain, Blocking.handOffOrWait, *)
(* Worker.afterBlocked).                                                   *)
(*                                                                         *)
(* A blocking body that finds no parked spare is appended to a FIFO        *)
(* (Blocking.waiting).  One process at a time holds the chain (a flag):    *)
(* it polls waiting bodies and gives each a spare, else a new thread under *)
(* MaxThreads that takes the chain on (the holder then stops), else (at    *)
(* the cap, or after a failed start) the global queue, where the workers   *)
(* run it as a Declared task.  Whoever appends tries for the chain after   *)
(* it (StartChain.kick); whoever releases it re-reads the queue (a Dekker  *)
(* pair).  A thread that returns from a body polls the queue itself before *)
(* it parks as a spare; a spare may retire (its keep-alive), and its exit, *)
(* as every release of a place, kicks too.                                 *)
(*                                                                         *)
(* The pause: an adder or the holder may stop handing out while some      *)
(* thread is running a body (StartChain.enoughReturning: every waiting    *)
(* body can be taken by a running thread when it returns); the code's     *)
(* test reads racy counts, so the model lets it stop whenever a body runs. *)
(* The balancer's progress check (StartChain.onTick) bounds the pause: it *)
(* takes the chain if it is free and hands out at least the oldest body.  *)
(* The code does so only when no body was taken between two ticks; the    *)
(* model lets it do so whenever a body waits, which adds behaviours.      *)
(* With BlockUntilAllRun a body returns only once every body has started  *)
(* (bodies that wait for each other), so only the check can end a pause.  *)
(*                                                                         *)
(* This module is the chain alone: the workers, the global queue's own     *)
(* protocol and the spare set's re-check are Scheduler.tla's, which models *)
(* the blocking path of virtual threads and the Declared tasks; here a     *)
(* body in the global queue is run by a worker eventually.  MODEL.md says  *)
(* why the two are checked apart.                                          *)
(*                                                                         *)
(* Bug plants one known protocol bug (the negative controls).              *)
(***************************************************************************)
EXTENDS Integers, Sequences, FiniteSets

CONSTANTS
    NSub,             \* outside submitters (each submits its bodies one after another)
    NBodies,          \* blocking bodies, dealt to the submitters round-robin
    MaxThreads,       \* the thread cap: places held by the blocking path's threads
    MaxStartFailures, \* how many thread starts may fail in a behaviour
    Pause,            \* whether the pause is built (StartChain.enoughReturning; FALSE checks the
                      \* Dekker pair alone: then no body ever waits for the balancer's check)
    BlockUntilAllRun, \* whether a body returns only once every body has started
    Bug               \* "none", or the planted bug of a negative control

Bugs == {"none", "ReleaseNoRecheck", "OfferNoKick", "NoForce", "ReturnNoRecheck"}

ASSUME /\ NSub \in Nat \ {0}
       /\ NBodies \in Nat \ {0}
       /\ MaxThreads \in Nat \ {0}
       /\ MaxStartFailures \in Nat
       /\ Pause \in BOOLEAN
       /\ BlockUntilAllRun \in BOOLEAN
       /\ Bug \in Bugs

Subs    == 1..NSub
Thr     == NSub + 1 .. NSub + MaxThreads + 1  \* thread ids: one more than the places, so that
                                              \* an exiting thread (place given back, still
                                              \* kicking) does not keep a start from a thread id
Bal     == NSub + MaxThreads + 2              \* the balancer thread (its progress check)
Procs   == Subs \cup Thr \cup {Bal}
Bodies  == 1..NBodies
NoBody  == 0
Owner(b) == ((b - 1) % NSub) + 1

(***************************************************************************)
(* Program counters.                                                       *)
(*   submitter: "idle" (takes its next body), "pop" (Spares.popForBody),   *)
(*     "offer" (waiting.offer), then kick;                                 *)
(*   thread: "off" (no thread), "run" (running hand[t]), "rpoll" (returned:*)
(*     Blocking.pollWaitingForThread), "spush" (found none: about to park  *)
(*     as a spare), "sck" (published as a spare, re-checking), "spare"     *)
(*     (parked in the spare set), "wk" (rejoined the workers: counted);    *)
(*   kick, any process (StartChain.kick): "kt" (!waiting.isEmpty()),       *)
(*     "kcas" (CAS of the flag), "carry" (holder: waiting.poll()), "crel" *)
(*     (holder: the poll found nothing, about to release the flag), "crp"  *)
(*     (holder: the pause held, about to release), "ktp" (the re-read      *)
(*     after a pause),                                                     *)
(*     "cdisp" (holder: give the polled body a spare, a new thread, or the *)
(*     global queue).  After the kick a process goes to aft[p]: a          *)
(*     submitter "idle", a new thread "run" (its own body), an exiting     *)
(*     spare "off", the balancer "bidle";                                  *)
(*   the balancer: "bidle" between its progress checks.                    *)
(***************************************************************************)
KickPCs == {"kt", "ktp", "kcas", "carry", "cdisp", "crel", "crp"}
PCs == {"idle", "pop", "offer", "off", "run", "rpoll", "spush", "sck", "spare", "wk", "bidle"}
       \cup KickPCs

VARIABLES
    pc,      \* [Procs -> PCs]
    aft,     \* [Procs -> {"idle", "run", "off", "bidle", "wk", "-"}] where a process goes after its
             \*   kick
    hand,    \* [Procs -> Bodies \cup {NoBody}] a submitter's body being submitted; a thread's
             \*   body (running, its own as a new thread, or handed to it as a spare)
    nxt,     \* [Subs -> Nat] how many of its bodies a submitter has taken
    waitq,   \* Seq(Bodies) Blocking.waiting
    held,    \* BOOLEAN StartChain.held
    cpoll,   \* the body the holder polled (NoBody outside "cdisp")
    global,  \* SUBSET Bodies: Declared tasks in the global queue
    done,    \* SUBSET Bodies: bodies that ran
    fails,   \* thread starts that failed so far
    forcing  \* the balancer took the chain to force a hand-out: its next poll ignores the pause

vars == <<pc, aft, hand, nxt, waitq, held, cpoll, global, done, fails, forcing>>

MyBodies(s) == {b \in Bodies : Owner(b) = s}
\* A thread holds a place unless it is off, or exiting (a spare whose keep-alive passed gives its
\* place back, Ctl.threadExited, before it kicks: Lifecycle.onWorkerExit).
Holding(t) == pc[t] # "off" /\ ~(aft[t] = "off" /\ pc[t] \in KickPCs)
Places == Cardinality({t \in Thr : Holding(t)})
\* Parked spares, and spares that published themselves and are re-checking (a pop takes either).
Spares == {t \in Thr : pc[t] \in {"spare", "sck"} /\ hand[t] = NoBody}
OffThr == {t \in Thr : pc[t] = "off"}
\* The pause may hold only while some thread of the blocking path is neither off nor a parked
\* spare (StartChain.enoughReturning: threads - counted - spares > 0, read racily: a thread
\* returning, about to park or exiting counts, and so does the holder itself).
\* A rejoined worker ("wk", and its re-check's kick) and a published spare are not counted.
Counts(t) == Holding(t) /\ pc[t] \notin {"spare", "sck", "wk"} /\ aft[t] # "wk"
MayPause == Pause /\ \E t \in Thr : Counts(t)
\* The balancer ticks while a thread is awake: here, while a thread of the blocking path is
\* neither parked as a spare nor a worker (a worker may be parked).
BalTicks == \E t \in Thr : Holding(t) /\ pc[t] \notin {"spare", "wk"}
\* Every taken body has started (none waits in the queue, the holder's hand, the global queue or a
\* submitter's hand).
AllStarted == /\ \A s \in Subs : nxt[s] = Cardinality(MyBodies(s)) /\ hand[s] = NoBody
              /\ waitq = <<>> /\ cpoll = NoBody /\ global = {}
              /\ \A t \in Thr : aft[t] # "run"      \* no new thread still before its own body
Range(s) == {s[i] : i \in DOMAIN s}

Init ==
    /\ pc = [p \in Procs |-> IF p \in Subs THEN "idle" ELSE IF p = Bal THEN "bidle" ELSE "off"]
    /\ aft = [p \in Procs |-> "-"]
    /\ hand = [p \in Procs |-> NoBody]
    /\ nxt = [s \in Subs |-> 0]
    /\ waitq = <<>>
    /\ held = FALSE
    /\ cpoll = NoBody
    /\ global = {}
    /\ done = {}
    /\ fails = 0
    /\ forcing = FALSE

-----------------------------------------------------------------------------
(* The submitter: Blocking.handOffOrWait with platform threads. *)

Take(s) ==
    /\ pc[s] = "idle"
    /\ nxt[s] < Cardinality(MyBodies(s))
    /\ LET b == CHOOSE b \in MyBodies(s) :
                  Cardinality({c \in MyBodies(s) : c < b}) = nxt[s]
       IN hand' = [hand EXCEPT ![s] = b]
    /\ nxt' = [nxt EXCEPT ![s] = @ + 1]
    /\ pc' = [pc EXCEPT ![s] = "pop"]
    /\ UNCHANGED <<aft, waitq, held, cpoll, global, done, fails, forcing>>

\* Spares.popForBody: a parked spare takes the body at once (popped and handed under the stack's
\* lock), else the body waits.
SubPop(s) ==
    /\ pc[s] = "pop"
    /\ IF Spares # {}
         THEN \E t \in Spares :
                /\ hand' = [hand EXCEPT ![t] = hand[s], ![s] = NoBody]
                /\ pc' = [pc EXCEPT ![t] = "run", ![s] = "idle"]
         ELSE /\ pc' = [pc EXCEPT ![s] = "offer"]
              /\ UNCHANGED hand
    /\ UNCHANGED <<aft, nxt, waitq, held, cpoll, global, done, fails, forcing>>

\* waiting.offer(body), then chain.kick() (the adder's half). Bug OfferNoKick: no kick.
SubOffer(s) ==
    /\ pc[s] = "offer"
    /\ waitq' = Append(waitq, hand[s])
    /\ hand' = [hand EXCEPT ![s] = NoBody]
    /\ IF Bug = "OfferNoKick"
         THEN /\ pc' = [pc EXCEPT ![s] = "idle"]
              /\ UNCHANGED aft
         ELSE /\ pc' = [pc EXCEPT ![s] = "kt"]
              /\ aft' = [aft EXCEPT ![s] = "idle"]
    /\ UNCHANGED <<nxt, held, cpoll, global, done, fails, forcing>>

-----------------------------------------------------------------------------
(* StartChain.kick and carry, by any process. *)

\* After the kick: the continuation.
Leave(p) == /\ pc' = [pc EXCEPT ![p] = aft[p]]
            /\ aft' = [aft EXCEPT ![p] = "-"]

\* while (!waiting.isEmpty() && !pause() && ...: a body waits, and the pause does not hold (it may
\* hold only while a body runs).
KickTest(p) ==
    /\ pc[p] = "kt"
    /\ \/ /\ waitq # <<>>
          /\ pc' = [pc EXCEPT ![p] = "kcas"]
          /\ UNCHANGED aft
       \/ /\ waitq = <<>> \/ MayPause
          /\ Leave(p)
    /\ UNCHANGED <<hand, nxt, waitq, held, cpoll, global, done, fails, forcing>>

\* ... HELD.compareAndSet(this, 0, 1)): held by someone else: that holder re-reads.
KickCas(p) ==
    /\ pc[p] = "kcas"
    /\ IF ~held
         THEN /\ held' = TRUE
              /\ pc' = [pc EXCEPT ![p] = "carry"]
              /\ UNCHANGED aft
         ELSE /\ Leave(p)
              /\ UNCHANGED held
    /\ UNCHANGED <<hand, nxt, waitq, cpoll, global, done, fails, forcing>>

\* SerialHandOut.handOut: unless forced, stop if the pause holds ("crp"); else body =
\* waiting.poll(); none left: about to release ("crel").
CarryPoll(p) ==
    /\ pc[p] = "carry"
    /\ \/ /\ waitq # <<>>
          /\ cpoll' = Head(waitq)
          /\ waitq' = Tail(waitq)
          /\ pc' = [pc EXCEPT ![p] = "cdisp"]
       \/ /\ waitq = <<>>
          /\ pc' = [pc EXCEPT ![p] = "crel"]
          /\ UNCHANGED <<cpoll, waitq>>
       \/ /\ MayPause /\ ~(forcing /\ p = Bal)
          /\ pc' = [pc EXCEPT ![p] = "crp"]
          /\ UNCHANGED <<cpoll, waitq>>
    /\ forcing' = FALSE
    /\ UNCHANGED <<aft, hand, nxt, held, global, done, fails>>

\* The balancer's progress check (StartChain.onTick, SerialHandOut.force): a body waits and the
\* chain is free: take it, and the next poll ignores the pause. Bug NoForce: no such check.
BalForce ==
    /\ Bug # "NoForce"
    /\ BalTicks
    /\ pc[Bal] = "bidle"
    /\ waitq # <<>>
    /\ ~held
    /\ held' = TRUE
    /\ forcing' = TRUE
    /\ pc' = [pc EXCEPT ![Bal] = "carry"]
    /\ aft' = [aft EXCEPT ![Bal] = "bidle"]
    /\ UNCHANGED <<hand, nxt, waitq, cpoll, global, done, fails>>

\* HELD.setVolatile(0), then the re-read (the kick's loop test). Bug ReleaseNoRecheck: the holder
\* leaves right after its release. After a pause ("crp") the re-read's pause test reads what the
\* holder's just did ("ktp": it leaves if the pause still holds), so a holder does not go round
\* for ever taking the chain and pausing (the code reads the same counts twice in a row).
CarryRelease(p) ==
    /\ pc[p] \in {"crel", "crp"}
    /\ held' = FALSE
    /\ IF Bug = "ReleaseNoRecheck"
         THEN Leave(p)
         ELSE /\ pc' = [pc EXCEPT ![p] = IF pc[p] = "crp" THEN "ktp" ELSE "kt"]
              /\ UNCHANGED aft
    /\ UNCHANGED <<hand, nxt, waitq, cpoll, global, done, fails, forcing>>

KickTestAfterPause(p) ==
    /\ pc[p] = "ktp"
    /\ IF waitq # <<>> /\ ~MayPause
         THEN /\ pc' = [pc EXCEPT ![p] = "kcas"]
              /\ UNCHANGED aft
         ELSE Leave(p)
    /\ UNCHANGED <<hand, nxt, waitq, held, cpoll, global, done, fails, forcing>>

\* The polled body: a spare (Spares.popForBody), else a place (Ctl.reserveBlockingThread) and a
\* new thread carrying the chain on (Lifecycle.startBlockingWorker(new Link(...)): the holder's
\* carry returns true and so does its kick), else the global queue (toWorkers). A failed start
\* sends this body and every waiting one to the global queue and goes on polling.
CarryDispatch(p) ==
    /\ pc[p] = "cdisp"
    /\ LET b == cpoll IN
       IF Spares # {}
         THEN \E t \in Spares :
                /\ hand' = [hand EXCEPT ![t] = b]
                /\ pc' = [pc EXCEPT ![t] = "run", ![p] = "carry"]
                /\ UNCHANGED <<aft, waitq, held, global, fails, forcing>>
       ELSE IF Places < MaxThreads /\ OffThr # {}
         THEN \/ \E t \in OffThr :              \* started: the chain passes to t
                   /\ hand' = [hand EXCEPT ![t] = b]
                   /\ pc' = [pc EXCEPT ![t] = "carry", ![p] = aft[p]]
                   /\ aft' = [aft EXCEPT ![t] = "run", ![p] = "-"]
                   /\ UNCHANGED <<waitq, held, global, fails, forcing>>
              \/ /\ fails < MaxStartFailures    \* the start failed (reported, place given back)
                 /\ fails' = fails + 1
                 /\ global' = global \cup {b} \cup Range(waitq)
                 /\ waitq' = <<>>
                 /\ pc' = [pc EXCEPT ![p] = "carry"]
                 /\ UNCHANGED <<aft, hand, held, forcing>>
       ELSE /\ global' = global \cup {b}        \* at the cap: the workers run it
            /\ pc' = [pc EXCEPT ![p] = "carry"]
            /\ UNCHANGED <<aft, hand, waitq, held, fails, forcing>>
    /\ cpoll' = NoBody
    /\ UNCHANGED <<nxt, done>>

-----------------------------------------------------------------------------
(* Threads of the blocking path (Worker.afterBlocked, Spares). *)

\* The body returns.
Finish(t) ==
    /\ pc[t] = "run"
    /\ BlockUntilAllRun => AllStarted
    /\ done' = done \cup {hand[t]}
    /\ hand' = [hand EXCEPT ![t] = NoBody]
    /\ pc' = [pc EXCEPT ![t] = "rpoll"]
    /\ UNCHANGED <<aft, nxt, waitq, held, cpoll, global, fails, forcing>>

\* Blocking.pollWaitingForThread: the next waiting body, run on this thread; else the thread
\* stops running blocking bodies: it parks as a spare ("spush"), or it rejoins the workers
\* (Blocking.afterBlockedTask: a slot was free) and then re-reads the queue, kicking if a body
\* waits (Blocking.recheckWaiting: a kick with aft "wk"). Bug ReturnNoRecheck: no re-read.
ReturnPoll(t) ==
    /\ pc[t] = "rpoll"
    /\ IF waitq # <<>>
         THEN /\ hand' = [hand EXCEPT ![t] = Head(waitq)]
              /\ waitq' = Tail(waitq)
              /\ pc' = [pc EXCEPT ![t] = "run"]
              /\ UNCHANGED aft
         ELSE /\ \/ /\ pc' = [pc EXCEPT ![t] = "spush"]
                    /\ UNCHANGED aft
                 \/ /\ Bug = "ReturnNoRecheck"
                    /\ pc' = [pc EXCEPT ![t] = "wk"]
                    /\ UNCHANGED aft
                 \/ /\ Bug # "ReturnNoRecheck"
                    /\ pc' = [pc EXCEPT ![t] = "kt"]
                    /\ aft' = [aft EXCEPT ![t] = "wk"]
              /\ UNCHANGED <<hand, waitq>>
    /\ UNCHANGED <<nxt, held, cpoll, global, done, fails, forcing>>

\* Spares.push: published (a pop may take it from here on).
SparePush(t) ==
    /\ pc[t] = "spush"
    /\ pc' = [pc EXCEPT ![t] = "sck"]
    /\ UNCHANGED <<aft, hand, nxt, waitq, held, cpoll, global, done, fails, forcing>>

\* Spares.await's re-check, not popped meanwhile: a body waits for a thread, so it takes itself
\* out and polls (SERVE); else it parks. Bug ReturnNoRecheck: it parks.
SpareCheck(t) ==
    /\ pc[t] = "sck"
    /\ hand[t] = NoBody
    /\ pc' = [pc EXCEPT ![t] = IF waitq # <<>> /\ Bug # "ReturnNoRecheck" THEN "rpoll" ELSE "spare"]
    /\ UNCHANGED <<aft, hand, nxt, waitq, held, cpoll, global, done, fails, forcing>>

\* The keep-alive passed: the spare leaves the set, gives its place back and kicks
\* (Lifecycle.onWorkerExit: Blocking.startWaiting).
SpareRetire(t) ==
    /\ pc[t] = "spare"
    /\ hand[t] = NoBody
    /\ pc' = [pc EXCEPT ![t] = "kt"]
    /\ aft' = [aft EXCEPT ![t] = "off"]
    /\ UNCHANGED <<hand, nxt, waitq, held, cpoll, global, done, fails, forcing>>

\* A worker takes a Declared task from the global queue and runs its body (Scheduler.tla's).
WorkerRuns ==
    /\ \E b \in global :
         /\ global' = global \ {b}
         /\ done' = done \cup {b}
    /\ UNCHANGED <<pc, aft, hand, nxt, waitq, held, cpoll, fails, forcing>>

ProcStep(p) ==
    \/ p = Bal /\ BalForce
    \/ p \in Subs /\ (Take(p) \/ SubPop(p) \/ SubOffer(p))
    \/ KickTest(p) \/ KickTestAfterPause(p) \/ KickCas(p) \/ CarryPoll(p) \/ CarryRelease(p)
    \/ CarryDispatch(p)
    \/ p \in Thr /\ (Finish(p) \/ ReturnPoll(p) \/ SparePush(p) \/ SpareCheck(p))

Next ==
    \/ \E p \in Procs : ProcStep(p)
    \/ \E t \in Thr : SpareRetire(t)
    \/ WorkerRuns

\* Every process makes progress (the balancer ticks while a body waits); a spare need not retire;
\* the workers run the global queue.
Spec == Init /\ [][Next]_vars /\ \A p \in Procs : WF_vars(ProcStep(p)) /\ WF_vars(WorkerRuns)

-----------------------------------------------------------------------------
(* Properties. *)

TypeOK ==
    /\ pc \in [Procs -> PCs]
    /\ aft \in [Procs -> {"idle", "run", "off", "bidle", "wk", "-"}]
    /\ hand \in [Procs -> Bodies \cup {NoBody}]
    /\ waitq \in Seq(Bodies)
    /\ held \in BOOLEAN
    /\ cpoll \in Bodies \cup {NoBody}
    /\ global \subseteq Bodies
    /\ done \subseteq Bodies
    /\ fails \in 0..MaxStartFailures
    /\ forcing \in BOOLEAN

\* The thread cap (Ctl.reserveBlockingThread).
ThreadCap == Places <= MaxThreads

\* One holder at a time, and the flag says who: a process inside carry holds it.
ChainExclusive ==
    /\ Cardinality({p \in Procs : pc[p] \in {"carry", "cdisp", "crel", "crp"}}) <= 1
    /\ forcing => pc[Bal] = "carry"
    /\ (\E p \in Procs : pc[p] \in {"carry", "cdisp", "crel", "crp"}) => held

\* Every taken body is in exactly one place: a hand, the queue, the holder's poll, the global
\* queue, or done; never two, never none.
Where(b) == Cardinality({p \in Procs : hand[p] = b})
            + Cardinality({i \in DOMAIN waitq : waitq[i] = b})
            + (IF cpoll = b THEN 1 ELSE 0)
            + (IF b \in global THEN 1 ELSE 0)
            + (IF b \in done THEN 1 ELSE 0)
Taken(b) == Cardinality({c \in MyBodies(Owner(b)) : c < b}) < nxt[Owner(b)]
NoBodyLostOrDuplicated == \A b \in Bodies : Where(b) = IF Taken(b) THEN 1 ELSE 0

\* The Dekker pair's claim (SerialHandOut's class comment), checked with Pause = FALSE: a body
\* waits only while the chain is held or a re-read is in flight, so no body ever waits for the
\* balancer. (With the pause a body may wait for the check, which ends every pause: AllRun with
\* BlockUntilAllRun, and its control Bug_ChainNoForce.)
NoStrandedWaiting ==
    (waitq # <<>> /\ ~Pause) => (held \/ \E p \in Procs : pc[p] \in {"kt", "ktp", "kcas"})

\* Liveness: every body runs.
AllRun == <>(done = Bodies)
=============================================================================
