// tb_nm_loihi_smoke - Icarus smoke test of rtl/loihi/nm_loihi_core.v at the small test
// geometry: the golden LIF mapping of docs/loihi-core.md section 12 on compartment 0,
// values and cycle counts worked by hand from sections 5 and 8. Prints PASS or FAIL.
module tb_nm_loihi_smoke;
  `include "nm_loihi_regmap.vh"
  reg         clk = 1'b0, rst_n = 1'b0, step = 1'b0;
  reg         in_valid = 1'b0;
  reg  [11:0] in_axon = 12'd0;
  reg         out_ready = 1'b1;
  reg         cfg_req = 1'b0, cfg_we = 1'b0;
  reg  [19:0] cfg_addr = 20'd0;
  reg  [31:0] cfg_wdata = 32'd0;
  wire        done, busy, inq_full, out_valid, spk_valid, rvalid, rerr;
  wire [7:0]  out_dx, out_dy;
  wire [11:0] out_axon, out_src, out_entry, spk_comp;
  wire [31:0] rdata;
  integer     errors = 0, cycles, npkts, nspikes;

  nm_loihi_core #(.NCOMP(16), .NAXIN(16), .NAXOUT(32), .NSYN(256), .NDSLOT(8), .NDPROF(4),
                  .NTPROF(2), .NSYNFMT(4), .INQ(16)) dut (
    .clk_i(clk), .rst_ni(rst_n), .step_i(step), .step_done_o(done), .busy_o(busy),
    .pkt_in_valid_i(in_valid), .pkt_in_axon_i(in_axon), .inq_full_o(inq_full),
    .pkt_out_valid_o(out_valid), .pkt_out_ready_i(out_ready), .pkt_out_dx_o(out_dx),
    .pkt_out_dy_o(out_dy), .pkt_out_axon_o(out_axon), .pkt_out_src_o(out_src),
    .pkt_out_entry_o(out_entry), .spike_valid_o(spk_valid), .spike_comp_o(spk_comp),
    .cfg_req_i(cfg_req), .cfg_we_i(cfg_we), .cfg_addr_i(cfg_addr), .cfg_wdata_i(cfg_wdata),
    .cfg_rvalid_o(rvalid), .cfg_rdata_o(rdata), .cfg_err_o(rerr));

  always #5 clk = ~clk;

  task wr(input [3:0] region, input [15:0] off, input [31:0] data);
    begin
      @(negedge clk); cfg_req = 1; cfg_we = 1; cfg_addr = {region, off}; cfg_wdata = data;
      @(negedge clk); cfg_req = 0; cfg_we = 0;
      if (rerr) begin $display("FAIL write %0d:%0d refused", region, off); errors = errors + 1; end
    end
  endtask

  task expect_rd(input [3:0] region, input [15:0] off, input [31:0] want);
    begin
      @(negedge clk); cfg_req = 1; cfg_we = 0; cfg_addr = {region, off};
      @(negedge clk); cfg_req = 0;
      if (rerr || rdata !== want) begin
        $display("FAIL read %0d:%0d = 0x%08h (err %0d), want 0x%08h", region, off, rdata, rerr, want);
        errors = errors + 1;
      end
    end
  endtask

  task inject(input [11:0] axon);
    begin
      @(negedge clk); in_valid = 1; in_axon = axon;
      @(negedge clk); in_valid = 0;
    end
  endtask

  // one step; counts busy cycles START .. DONE, packets and spikes
  task run_step;
    begin
      @(negedge clk); step = 1;
      @(negedge clk); step = 0;
      cycles = 0; npkts = 0; nspikes = 0;
      while (busy) begin
        cycles = cycles + 1;
        if (out_valid && out_ready) npkts = npkts + 1;
        if (spk_valid) nspikes = nspikes + 1;
        @(negedge clk);
      end
    end
  endtask

  task expect_int(input [8*24-1:0] what, input integer got, input integer want);
    begin
      if (got !== want) begin
        $display("FAIL %0s = %0d, want %0d", what, got, want);
        errors = errors + 1;
      end
    end
  endtask

  initial begin
    repeat (3) @(negedge clk);
    rst_n = 1;
    while (busy) @(negedge clk);              // the init walk clears the memories
    expect_rd(`NML_REGION_CTRL, `NML_CTRL_ID, 32'h4C4F0100);
    expect_rd(`NML_REGION_CTRL, `NML_CTRL_GEOM0, {16'd16, 16'd16});
    expect_rd(`NML_REGION_SYNFMT, 16'd3, 32'h70);          // reset: NBITS_M1 = 7
    expect_rd(`NML_REGION_CTRL, `NML_CTRL_NUPD, 32'hffff);
    // golden LIF mapping (section 12): DU 4095, DV 163, REFRACT 1, VTH_MANT 25
    wr(`NML_REGION_DPROF, 16'd0, (32'd1 << 24) | (32'd163 << 12) | 32'd4095);
    wr(`NML_REGION_TPROF, 16'd0, 32'd25);
    wr(`NML_REGION_SYNFMT, 16'd0, (32'd7 << 4) | 32'd2);     // excitatory, 8 bits, exp 0
    wr(`NML_REGION_INAXON, 16'd0, (32'd1 << 16) | 32'd5);    // 1 synapse at word 5
    wr(`NML_REGION_SYN, 16'd5, (32'd10 << 12) | 32'd0);      // comp 0, W 10, delay 0
    wr(`NML_REGION_CX, 16'd1, (32'd1 << 16) | 32'd3);        // axon map: 1 entry at 3
    wr(`NML_REGION_AXMAP, 16'd3, (32'hFF << 20) | (32'd1 << 12) | 32'd9); // dx 1, dy -1, axon 9
    wr(`NML_REGION_CTRL, `NML_CTRL_NUPD, 32'd1);
    // step 1: u = 640, v = 640; cycles 2 + (2 + 2*1) + 3*1 = 9
    inject(12'd0);
    expect_rd(`NML_REGION_CTRL, `NML_CTRL_STATUS, 32'h0001_0000);
    run_step;
    expect_int("step 1 cycles", cycles, 9);
    expect_rd(`NML_REGION_CX, 16'd2, 32'd640);
    expect_rd(`NML_REGION_CX, 16'd3, 32'd640);
    // step 2: u = 0, v = (640 * 3933) >> 12 = 614; cycles 2 + 3 = 5
    run_step;
    expect_int("step 2 cycles", cycles, 5);
    expect_rd(`NML_REGION_CX, 16'd2, 32'd0);
    expect_rd(`NML_REGION_CX, 16'd3, 32'd614);
    // step 3: v = 1099 -> (1099 * 3933) >> 12 = 1055, + 640 = 1695 > 1600: spike, one packet
    wr(`NML_REGION_CX, 16'd3, 32'd1099);
    inject(12'd0);
    run_step;
    expect_int("step 3 cycles", cycles, 2 + 4 + 3 + 2);
    expect_int("step 3 spikes", nspikes, 1);
    expect_int("step 3 packets", npkts, 1);
    expect_rd(`NML_REGION_CX, 16'd3, 32'd0);
    expect_rd(`NML_REGION_CX, 16'd4, 32'd1);
    expect_rd(`NML_REGION_CX, 16'd5, 32'd128);               // hardware view: 1 << 7
    expect_rd(`NML_REGION_CTRL, `NML_CTRL_STEP, 32'd3);
    // counters: 2 events, 2 synapse ops, 3 updates, 1 spike, 1 packet, 2 in, busy 9+5+11
    expect_rd(`NML_REGION_COUNTER, `NML_COUNTER_AXON_EVENTS, 32'd2);
    expect_rd(`NML_REGION_COUNTER, `NML_COUNTER_SYN_OPS, 32'd2);
    expect_rd(`NML_REGION_COUNTER, `NML_COUNTER_CX_UPDATES, 32'd3);
    expect_rd(`NML_REGION_COUNTER, `NML_COUNTER_SPIKES, 32'd1);
    expect_rd(`NML_REGION_COUNTER, `NML_COUNTER_PKTS_OUT, 32'd1);
    expect_rd(`NML_REGION_COUNTER, `NML_COUNTER_PKTS_IN, 32'd2);
    expect_rd(`NML_REGION_COUNTER, `NML_COUNTER_BUSY_CYCLES, 32'd25);
    // unmapped and read-only accesses are refused
    @(negedge clk); cfg_req = 1; cfg_we = 1; cfg_addr = {4'd5, 16'd5}; cfg_wdata = 0;
    @(negedge clk); cfg_req = 0; cfg_we = 0;
    if (!rerr) begin $display("FAIL write to CX.VHW accepted"); errors = errors + 1; end
    @(negedge clk); cfg_req = 1; cfg_addr = {4'd5, 16'd6};
    @(negedge clk); cfg_req = 0;
    if (!rerr) begin $display("FAIL read of CX word 6 accepted"); errors = errors + 1; end
    // while a step runs: counters, STATUS, ID and geometry read, anything else is refused,
    // and step_i is ignored. NUPD 16, one event with one synapse: 2 + 4 + 3 * 16 = 54 cycles.
    wr(`NML_REGION_CTRL, `NML_CTRL_NUPD, 32'd16);
    inject(12'd0);
    @(negedge clk); step = 1;
    @(negedge clk); step = 0;
    cycles = 1;
    @(negedge clk); cfg_req = 1; cfg_we = 0; cfg_addr = {4'd5, 16'd3};          // CX[0].V
    @(negedge clk); cfg_req = 1; cfg_addr = {4'd1, 16'd2};                      // CX_UPDATES
    if (!rerr) begin $display("FAIL CX read while busy accepted"); errors = errors + 1; end
    @(negedge clk); cfg_req = 1; cfg_we = 1; cfg_addr = {4'd2, 16'd0}; cfg_wdata = 0; // DPROF[0]
    if (rerr || rdata !== 32'd3) begin
      $display("FAIL counter read while busy: 0x%08h err %0d, want 3", rdata, rerr); errors = errors + 1;
    end
    @(negedge clk); cfg_req = 0; cfg_we = 0; step = 1;                          // ignored: busy
    if (!rerr) begin $display("FAIL DPROF write while busy accepted"); errors = errors + 1; end
    cycles = 5;
    while (busy) begin @(negedge clk); step = 0; cycles = cycles + 1; end
    expect_int("busy step cycles", cycles - 1, 54);
    expect_rd(`NML_REGION_CTRL, `NML_CTRL_STEP, 32'd4);                          // one step, not two
    expect_rd(`NML_REGION_DPROF, 16'd0, (32'd1 << 24) | (32'd163 << 12) | 32'd4095);
    if (errors == 0) $display("PASS tb_nm_loihi_smoke: golden LIF steps, spike, packet, counters, accesses while busy");
    else             $display("FAIL tb_nm_loihi_smoke: %0d errors", errors);
    $finish;
  end
endmodule
